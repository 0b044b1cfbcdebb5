"""`grader batch`: a class graded in parallel into a gradebook that loses nothing."""

import csv
import json
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
import zipfile
from html import unescape
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from classroom import TOPIC, learner, mutated, reference, zipped
from grader.batch import stats, zips
from grader.batch.learners import LearnerError, discover
from grader.cli import main
from grader.feedback import catalog

HANG = "import time\nwhile True:\n    time.sleep(0.05)\n"


def batch(*args):
    result = CliRunner().invoke(main, ["batch", *map(str, args)], catch_exceptions=False)
    return result


def gradebook(out):
    with open(out / "gradebook.csv", newline="") as f:
        return {row["learner"]: row for row in csv.DictReader(f)}


def attempts(out, learner_name=None):
    db = sqlite3.connect(out / "gradebook.sqlite")
    db.row_factory = sqlite3.Row
    rows = db.execute(
        "SELECT * FROM attempts" + (" WHERE learner = ?" if learner_name else "") + " ORDER BY id",
        (learner_name,) if learner_name else (),
    ).fetchall()
    db.close()
    return rows


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory, curriculum):
    """Nine learners, three of them impossible to grade, through the real CLI at --jobs 2."""
    root = tmp_path_factory.mktemp("class")
    subs = root / "submissions"
    learner(subs, "alice")
    mutated(subs, "bob", "negative_sigma")
    mutated(subs, "frank", "negative_sigma")
    mutated(subs, "gina", "sign_not_moved_into_U")
    mutated(subs, "ken", "u_and_v_swapped")  # fixes his mistake before --resume
    zipped(subs / "erin.zip", {"exercises/svd_basics.py": reference()})  # modules one folder down
    (subs / "dave.zip").write_bytes(b"PK\x03\x04 this is not a zip")
    zipped(subs / "mallory.zip", {"svd_basics.py": reference(), "../../evil.py": "x = 1"})
    (subs / "carol").mkdir()
    (subs / "carol" / "notes.txt").write_text("my answers are on paper")
    (subs / "README.txt").write_text("not a learner")
    out = root / "out"
    result = batch(subs, "--out", out, "-t", TOPIC, "--jobs", 2, "--seed", 77)
    return subs, out, result


def test_every_learner_gets_a_row_and_bad_submissions_only_cost_their_own(graded_class, curriculum):
    subs, out, result = graded_class
    assert result.exit_code == 0, result.output
    book = gradebook(out)
    with open(out / "gradebook.csv", newline="") as f:
        header = next(csv.reader(f))
    assert header == ["learner", "total", "max", "percent", TOPIC, "status", "seed", "grader_version", "suite_hash"], (
        out / "gradebook.csv"
    ).read_text()
    assert sorted(book) == ["alice", "bob", "carol", "dave", "erin", "frank", "gina", "ken", "mallory"]
    for name in ("alice", "bob", "erin", "frank", "gina", "ken"):
        report = json.loads((out / "reports" / f"{name}.json").read_text())
        row = book[name]
        assert row["status"] == "graded" and float(row["total"]) == report["score"]
        assert float(row[TOPIC]) == report["topics"][0]["score"] and report["seed"] == 77
        assert report["submission"] == name
    full = curriculum.topic(TOPIC).points
    assert float(book["alice"]["total"]) == float(book["erin"]["total"]) == full
    assert max(float(book[n]["total"]) for n in ("bob", "frank", "gina", "ken")) < full
    assert (
        book["carol"]["status"].startswith("malformed:")
        and "holds none of the topic modules" in book["carol"]["status"]
    )
    assert book["dave"]["status"].startswith("bad-zip:") and "not a readable zip" in book["dave"]["status"]
    assert book["mallory"]["status"].startswith("bad-zip:") and "'../../evil.py'" in book["mallory"]["status"]
    assert not (subs.parent / "evil.py").exists() and not (subs / "evil.py").exists()
    for name in ("carol", "dave", "mallory"):
        assert book[name]["total"] == "" and not (out / "reports" / f"{name}.json").exists()
    assert {row["seed"] for row in book.values()} == {"77"}
    assert len({row["suite_hash"] for row in book.values()}) == 1


def test_summary_in_the_terminal(graded_class):
    _, out, result = graded_class
    totals = [float(r["total"]) for r in gradebook(out).values() if r["total"]]
    assert "9 learners: 6 graded, 3 not graded" in result.output
    assert f"mean {sum(totals) / len(totals):.2f}, median {statistics.median(totals):.2f}" in result.output
    assert f"{TOPIC:<18} {100 * 2 / 6:5.1f}%" in result.output  # alice and erin passed
    assert "ignored 1 entry that are neither a folder nor a .zip: README.txt" in result.output
    assert "mallory: bad-zip: unsafe path" in result.output


def test_resume_skips_unchanged_learners_and_a_regrade_keeps_history(graded_class):
    subs, out, _ = graded_class
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in (out / "reports").iterdir()}
    (subs / "ken" / "svd_basics.py").write_text(reference())  # ken fixes his mistake
    result = batch(subs, "--out", out, "-t", TOPIC, "--jobs", 2, "--resume")
    assert result.exit_code == 0, result.output
    assert "grading 1, 8 unchanged (--resume); seed 77" in result.output  # the class keeps its seed
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in (out / "reports").iterdir()}
    assert {k: v for k, v in after.items() if k != "ken.json"} == {k: v for k, v in before.items() if k != "ken.json"}
    history = attempts(out, "ken")
    assert len(history) == 2 and history[0]["total"] < history[1]["total"]
    assert float(gradebook(out)["ken"]["total"]) == history[1]["total"]
    assert json.loads(history[0]["report"])["score"] == history[0]["total"]  # the earlier attempt is kept whole


def test_a_hanging_learner_times_out_alone_and_leaves_no_process(tmp_path):
    learner(tmp_path / "subs", "henry", HANG)
    learner(tmp_path / "subs", "ivy")
    start = time.monotonic()
    result = batch(tmp_path / "subs", "--out", tmp_path / "out", "-t", TOPIC, "--jobs", 2, "--timeout", 3)
    assert result.exit_code == 0 and time.monotonic() - start < 30
    book = gradebook(tmp_path / "out")
    assert book["henry"]["status"] == "timeout: grading took longer than 3 s (--timeout)"
    assert book["ivy"]["status"] in ("graded", book["henry"]["status"])  # ivy too may time out on a loaded machine
    assert not _workers_of(os.getpid()), "a worker of the timed-out grading is still running"


def _workers_of(pid: int) -> list[str]:
    """Worker processes whose parent is gone and that still read our test's request pipes: none expected."""
    mine = []
    for p in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{p}/cmdline", "rb") as f:
                cmd = f.read().split(b"\0")
        except OSError:
            continue
        if b"grader.worker" in cmd and _ppid(p) == 1 and sys.executable.encode() == cmd[0]:
            mine.append(p)
    return mine


def test_kill_9_loses_no_finished_learner_and_resume_goes_on(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    learner(subs, "a-first")
    learner(subs, "b-slow", "import time\ntime.sleep(60)\n" + reference())
    learner(subs, "c-last")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "grader",
            "batch",
            str(subs),
            "--out",
            str(out),
            "-t",
            TOPIC,
            "--jobs",
            "1",
            "--timeout",
            "30",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and not _finished(out):
        time.sleep(0.2)
    time.sleep(1.0)  # b-slow is being graded now
    children = [int(p) for p in os.listdir("/proc") if p.isdigit() and _ppid(p) == proc.pid]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert [r["learner"] for r in attempts(out)] == ["a-first"]
    assert children and _all_gone(children), "the grading child outlived the killed batch"
    first = (out / "reports" / "a-first.json").read_bytes()
    (subs / "b-slow" / "svd_basics.py").write_text(reference())  # b resubmits; c was never graded
    result = batch(subs, "--out", out, "-t", TOPIC, "--resume", "--jobs", 2)
    assert "grading 2, 1 unchanged" in result.output
    book = gradebook(out)
    assert book["a-first"]["status"] == book["b-slow"]["status"] == book["c-last"]["status"] == "graded"
    assert [
        r[0]
        for r in sqlite3.connect(out / "gradebook.sqlite").execute("SELECT outcome FROM runs ORDER BY id").fetchall()
    ] == [None, "finished"]  # the killed run never ended
    assert (out / "reports" / "a-first.json").read_bytes() == first
    assert len(attempts(out, "a-first")) == 1


def _finished(out) -> list:
    try:
        return attempts(out) if (out / "gradebook.sqlite").exists() else []
    except sqlite3.OperationalError:  # the batch is creating its tables
        return []


def _ppid(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return -1


def _all_gone(pids, wait=5.0) -> bool:
    end = time.monotonic() + wait
    while time.monotonic() < end:
        if not any(os.path.exists(f"/proc/{p}") and _state(p) != "Z" for p in pids):
            return True
        time.sleep(0.1)
    return False


def _state(pid) -> str:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


@pytest.mark.parametrize(
    "members, fragment",
    [
        ({"../x.py": "1"}, "leaves the folder with '..'"),
        ({"/etc/x.py": "1"}, "(absolute)"),
        ({"C:/x.py": "1"}, "(absolute)"),
        ({"a/../../x.py": "1"}, "leaves the folder"),
    ],
)
def test_zip_slip_is_refused_before_anything_is_written(tmp_path, members, fragment):
    archive = zipped(tmp_path / "s.zip", {"svd_basics.py": "x = 1", **members})
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(zips.BadZip, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        zips.extract(archive, dest)
    assert list(dest.iterdir()) == [] and not (tmp_path / "x.py").exists()


def test_zip_caps_links_and_corrupt_members(tmp_path):
    dest = tmp_path / "d"
    dest.mkdir()
    many = zipped(tmp_path / "many.zip", {f"f{i}.py": "" for i in range(6)})
    with pytest.raises(zips.BadZip, match="holds 6 entries; at most 5"):
        zips.extract(many, dest, max_files=5)
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("svd_basics.py", "#" * (3 << 20))  # 3 MB that compress to a few KB
    with pytest.raises(zips.BadZip, match="more than 1 MB"):
        zips.extract(big, tmp_path / "d2", max_bytes=1 << 20)
    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as z:
        info = zipfile.ZipInfo("svd_basics.py")
        info.external_attr = 0o120777 << 16
        z.writestr(info, "/etc/passwd")
    with pytest.raises(zips.BadZip, match="symbolic link"):
        zips.extract(link, tmp_path / "d3")
    corrupt = zipped(tmp_path / "corrupt.zip", {"svd_basics.py": "x = 1\n" * 100})
    data = bytearray(corrupt.read_bytes())
    data[data.index(b"x = 1")] ^= 0xFF  # flip a byte of the stored member: CRC fails
    corrupt.write_bytes(bytes(data))
    with pytest.raises(zips.BadZip, match="cannot be read"):
        zips.extract(corrupt, tmp_path / "d4")


def test_two_submissions_for_one_learner_is_a_usage_error(tmp_path):
    learner(tmp_path / "subs", "ann")
    zipped(tmp_path / "subs" / "ann.zip", {"svd_basics.py": reference()})
    with pytest.raises(LearnerError, match="two submissions for learner 'ann'"):
        discover(tmp_path / "subs")
    result = batch(tmp_path / "subs", "--out", tmp_path / "out")
    assert result.exit_code == 2 and "keep one of them" in result.output


def test_histogram_bins_tenths_and_keeps_full_marks_in_the_last():
    bins = stats.histogram([0, 0.5, 1, 9.99, 10, 10], 10)
    assert [n for _, n in bins] == [2, 1, 0, 0, 0, 0, 0, 0, 0, 3]
    assert bins[0][0] == "0–1" and bins[-1][0] == "9–10"


class _Page(HTMLParser):
    """Every element's attributes and text, by id and by data-* attribute."""

    def __init__(self):
        super().__init__()
        self.elements, self.text_of, self._open = [], {}, []

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, **dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in ("meta", "link", "br", "rect", "line"):
            self._open.append(element)

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data

    def rows(self, attr):
        return [e for e in self.elements if attr in e]


def test_class_report_shows_the_class_numbers_and_its_mistakes(graded_class, curriculum):
    _, out, _ = graded_class
    html = (out / "class-report.html").read_text()
    page = _Page()
    page.feed(html)
    reports = [json.loads(p.read_text()) for p in (out / "reports").glob("*.json")]
    book = gradebook(out)
    assert "<script" not in html and "<link" not in html and not re.search(r'(src|href)="?https?:', html)
    card = {e["id"]: e["data-value"] for e in page.elements if e.get("class") == "card"}
    assert card["learners"] == str(len(book)) and card["graded"] == str(len(reports))
    totals = [r["score"] for r in reports]
    assert card["mean"] == f"{sum(totals) / len(totals):.1f}" and card["not-graded"] == "3"
    assert card["median"] == f"{statistics.median(totals):.1f}"
    # histogram: one bar per tenth of the maximum, counts from the reports
    full = curriculum.topic(TOPIC).points
    expected = [0] * 10
    for total in totals:
        expected[min(9, int(10 * total / full))] += 1
    assert [int(e["data-count"]) for e in page.rows("data-count")] == expected
    # pass rate per topic
    (topic,) = page.rows("data-topic")
    passed = sum(r["topics"][0]["status"] == "passed" for r in reports)
    assert topic["data-topic"] == TOPIC and float(topic["data-rate"]) == pytest.approx(passed / len(reports), abs=1e-4)
    # the mistakes the class makes most: learners per mistake id, the catalog's message, the section
    who = {}
    for r in reports:
        for x in r["topics"][0]["tests"]:
            if x["mistake"]:
                who.setdefault(x["mistake"], set()).add(r["submission"])
    rows = page.rows("data-mistake")
    assert {e["data-mistake"]: int(e["data-learners"]) for e in rows} == {m: len(s) for m, s in who.items()}
    assert [int(e["data-learners"]) for e in rows] == sorted((len(s) for s in who.values()), reverse=True)
    assert who.get("svd_basics.negative_sigma") == {"bob", "frank"}  # the mutant's own mistake_id, two learners
    for e in rows:
        assert catalog.template(f"mistake.{e['data-mistake']}", "en") in unescape(e["text"])
        assert curriculum.topic(TOPIC).section in e["text"]
    # tests that fail most: learners per test
    failing = {}  # per test function, the learners with a failing case
    for r in reports:
        for x in r["topics"][0]["tests"]:
            if x["status"] not in ("passed", "not_implemented"):
                failing.setdefault(f"{TOPIC}::{x['id'].partition('[')[0]}", set()).add(r["submission"])
    shown = {e["data-test"]: int(e["data-learners"]) for e in page.rows("data-test")}
    assert shown == {t: len(s) for t, s in failing.items()}
    assert {e["data-learner"] for e in page.rows("data-learner")} == {"carol", "dave", "mallory"}


# --- the judges of local.run: long-lived children, one task at a time -------------------------------------


def _tasks(*names):
    return [{"learner": {"name": name}} for name in names]


def _run(tasks, judge, jobs=2, timeout=20.0):
    from grader.batch import local

    results = {}
    local.run(tasks, judge, jobs, timeout, lambda task, result: results.__setitem__(task["learner"]["name"], result))
    return results


def _judge(tasks, send):
    for task in tasks:
        name = task["learner"]["name"]
        if name == "dies":
            os._exit(3)
        if name == "hangs":
            time.sleep(60)
        send({"learner": name, "status": "graded", "pid": os.getpid()})


def test_a_judge_grades_task_after_task_and_every_task_gets_one_result():
    names = [f"l{i}" for i in range(8)]
    results = _run(_tasks(*names), _judge, jobs=2)
    assert sorted(results) == names and all(r["status"] == "graded" for r in results.values())
    assert len({r["pid"] for r in results.values()}) <= 2  # two judges served all eight


def test_a_judge_that_dies_costs_only_its_task_and_a_fresh_one_goes_on():
    results = _run(_tasks("a", "dies", "b", "c", "d"), _judge, jobs=1)
    assert results["dies"]["status"] == "crashed: the grading process died (exit code 3) without a report"
    assert all(results[n]["status"] == "graded" for n in "abcd")
    assert results["a"]["pid"] != results["d"]["pid"]


def test_a_task_past_its_deadline_is_a_timeout_and_the_others_are_graded():
    start = time.monotonic()
    results = _run(_tasks("hangs", "a", "b", "c"), _judge, jobs=2, timeout=1.0)
    assert results["hangs"]["status"] == "timeout: grading took longer than 1 s (--timeout)"
    assert all(results[n]["status"] == "graded" for n in "abc")
    assert time.monotonic() - start < 15


def test_one_judge_grades_several_learners_in_one_session_each_on_their_own(tmp_path):
    """Learners graded one after the other by the same judge: each report is their own."""
    from grader.batch.learners import Learner
    from grader.batch.task import judge

    subs = tmp_path / "subs"
    learner(subs, "first")
    mutated(subs, "second", "negative_sigma")
    learner(subs, "third")
    tasks = [
        {"learner": Learner(name, subs / name, "folder").plain(), "topics": [TOPIC], "seed": 5}
        for name in ("first", "second", "third")
    ]
    sent = []
    judge(iter(tasks), sent.append)
    assert [r["learner"] for r in sent] == ["first", "second", "third"]
    scores = [r["report"]["score"] for r in sent]
    assert scores[0] == scores[2] == sent[0]["report"]["max_score"] > scores[1]
    assert {r["report"]["submission"] for r in sent} == {"first", "second", "third"}
