"""`grader watch` in a real terminal (tmux): the screen, re-checks on save, moving on, keys, a clean exit.

Also the screen as a pure function of its state (widths, cuts) and the bench's save -> screen path.
"""

import json
import os
import shlex
import shutil
import signal
import string
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import ROOT, SOLUTIONS
from grader import mutants
from grader.watch import bench, screen
from grader.watch.session import State

TMUX = shutil.which("tmux")
needs_tmux = pytest.mark.skipif(
    TMUX is None, reason="tmux is not installed (apt-get install tmux): no terminal to drive"
)


class Tmux:
    """A private tmux server running an interactive shell in a 100×40 window."""

    def __init__(self, cwd: Path, env: dict):
        self.socket = f"grader-test-{uuid.uuid4().hex[:8]}"
        shell = "env PS1='prompt$ ' bash --norc --noprofile -i"
        self._tmux("new-session", "-d", "-s", "w", "-x", "100", "-y", "40", "-c", str(cwd), *self._env(env), shell)

    @staticmethod
    def _env(env: dict) -> list[str]:
        return [arg for k, v in env.items() for arg in ("-e", f"{k}={v}")]

    def _tmux(self, *args) -> str:
        return subprocess.run([TMUX, "-L", self.socket, *args], check=True, capture_output=True, text=True).stdout

    def type(self, line: str) -> None:
        self._tmux("send-keys", "-t", "w", "-l", line)
        self._tmux("send-keys", "-t", "w", "Enter")

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "w", *keys)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "w")

    def wait_for(self, *fragments: str, timeout: float = 90) -> str:
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if all(f in shown for f in fragments):
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"the screen never showed {fragments}; it shows:\n{shown}")
            time.sleep(0.2)

    def children(self) -> list[int]:
        """Pids of the processes the shell started (the command it is running)."""
        shell = int(self._tmux("list-panes", "-t", "w", "-F", "#{pane_pid}").strip())
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == shell:
                found.append(int(pid))
        return found

    def close(self) -> None:
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def terminal(tmp_path):
    made = []

    def start(lang="en"):
        env = {"GRADER_LANG": lang, "TERM": "xterm-256color", "PATH": os.environ["PATH"]}
        made.append(Tmux(tmp_path, env))
        return made[-1]

    yield start
    for t in made:
        t.close()


@pytest.fixture
def learner(tmp_path):
    return Path(shutil.copytree(ROOT / "exercises", tmp_path / "exercises"))


def watch_command(*args) -> str:
    return shlex.join([sys.executable, "-m", "grader", "watch", *args]) + "; echo exit=$?"


@needs_tmux
def test_watch_from_a_stub_to_a_passed_topic_and_back_to_the_shell(terminal, learner):
    tmux = terminal()
    tmux.type(watch_command("-s", "exercises", "--seed", "5"))
    shown = tmux.wait_for("Checked at")
    assert "Topic 1/13: svd_basics — SVD geometry and the 2×2 SVD by hand (§1.1, §3.1)" in shown, shown
    assert "░░░░░░░░░░░░░░░░░░░░ 0/10 not started" in shown, shown
    assert "Nothing written yet: start with svd_2x2 in exercises/svd_basics.py." in shown, shown
    assert "Curriculum ░░░░░░░░░░░░░░░░░░░░ 0/13 topics passed" in shown, shown
    assert "h hint · l list · n next topic · r re-run · q quit" in shown.replace("\u00a0", " ")
    assert "Re-checks when you save exercises/svd_basics.py." in shown  # file events (watchfiles)

    shutil.copy(SOLUTIONS / "svd_basics.py", learner / "svd_basics.py")
    shown = tmux.wait_for("✓ svd_basics passed.", "Topic 2/13: low_rank", "Checked at")
    assert "You learnt: every matrix rotates" in shown, shown
    assert "Next: low_rank — Truncated SVD and the Eckart–Young theorem. Read §0, §1.2, §3.2, §3.3 of the" in shown, (
        shown
    )
    assert "Curriculum ██░░░░░░░░░░░░░░░░░░ 1/13 topics passed" in shown, shown

    tmux.keys("h")
    shown = tmux.wait_for("Hints for low_rank (1/5; h shows the next):")
    assert "1. A rank-k approximation keeps the k largest singular triplets" in shown and "2. " not in shown
    tmux.keys("l")
    shown = tmux.wait_for("Topics (l closes this list):")
    assert " ▶  2  low_rank" in shown and "svd_basics" in shown.split("Topics (l closes")[1]

    tmux.keys("q")
    shown = tmux.wait_for("exit=0")
    assert "grader watch ended: 1/13 topics passed." in shown and "Topic 2/13" not in shown  # main screen back
    tmux.type("stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | sort | tr '\\n' ' '; echo")
    tmux.wait_for("echo icanon")  # the line discipline as the shell had it
    progress = json.loads((learner.parent / ".grader" / "progress.json").read_text())["exercises"]
    assert progress["topics"]["svd_basics"]["status"] == "passed" and progress["hints"] == {"low_rank": 1}


@needs_tmux
def test_watch_polls_rechecks_only_real_changes_and_leaves_on_ctrl_c(terminal, learner):
    tmux = terminal()
    tmux.type(watch_command("svd_basics", "-s", "exercises", "--poll"))
    shown = tmux.wait_for("(#1).")
    assert "(polling every 0.05 s: no file events here)" in shown, shown
    module = learner / "svd_basics.py"
    os.utime(module)  # a touch: same content, no check
    module.write_text(module.read_text())  # a rewrite of the same bytes: no check
    time.sleep(1.5)
    assert "(#1)." in tmux.screen() and "(#2)." not in tmux.screen()
    [bug] = [m for m in mutants.load(SOLUTIONS / "mutants", "svd_basics") if m.name == "sign_not_moved_into_U"]
    module.write_text(bug.source((SOLUTIONS / "svd_basics.py").read_text()))
    shown = tmux.wait_for("(#2).")
    assert "✗ First failing test: svd_2x2[" in shown and "partial" in shown, shown
    assert "its sign was not moved into U" in shown  # the likely mistake, from the feedback catalog
    tmux.keys("r")
    tmux.wait_for("(#3).")
    tmux.keys("C-c")
    shown = tmux.wait_for("exit=0")
    assert "grader watch ended: 0/13 topics passed." in shown, shown


@needs_tmux
def test_watch_leaves_cleanly_on_sigterm(terminal, learner):
    tmux = terminal()
    tmux.type(watch_command("pca", "-s", "exercises"))
    tmux.wait_for("(#1).")
    [watch] = tmux.children()
    os.kill(watch, signal.SIGTERM)
    shown = tmux.wait_for("exit=0")
    assert "grader watch ended" in shown and "Topic 4/13" not in shown, shown
    tmux.type("stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | sort | tr '\\n' ' '; echo")
    tmux.wait_for("echo icanon")


@needs_tmux
def test_watch_speaks_japanese(terminal, learner):
    tmux = terminal("ja")
    tmux.type(watch_command("-s", "exercises"))
    shown = tmux.wait_for("にチェック")
    assert "課題 1/13: svd_basics" in shown, shown
    assert "まだ何も書かれていません。exercises/svd_basics.py の svd_2x2 から始めましょう。" in shown, shown
    assert "h ヒント · l 一覧 · n 次の課題 · r 再チェック · q 終了" in shown.replace("\u00a0", " ")
    tmux.keys("n")
    tmux.wait_for("課題 2/13: low_rank", "#2)")
    tmux.keys("q")
    assert "grader watch を終了しました" in tmux.wait_for("exit=0")


def test_watch_refuses_without_a_terminal(learner):
    result = subprocess.run(
        [sys.executable, "-m", "grader", "watch", "-s", str(learner)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "needs an interactive terminal" in result.stderr


def test_screen_fits_its_terminal_in_display_cells(curriculum):
    topics = curriculum.topics
    state = State(topics, topics[1], "exercises/low_rank.py", {"svd_basics": "passed"}, moved_from="svd_basics")
    state.panel, state.hints_shown, state.checks, state.at, state.ms = "hints", 5, 2, "12:00:00", 250
    for lang in ("en", "ja"):
        lines = [screen.click.unstyle(x) for x in screen.render(state, width=48, height=30, lang=lang)]
        assert max(screen.cells(x) for x in lines) <= 48 and len(lines) <= 30
        assert any("low_rank" in x for x in lines) and lines[-1].endswith(("q\u00a0quit", "q\u00a0終了"))
    wide = screen.render(state, width=200, height=60, lang="en")
    assert "✓ svd_basics passed. You learnt: keeping" not in "".join(wide)  # moved_from names svd_basics' sentence
    assert any("You learnt: every matrix rotates" in screen.click.unstyle(x) for x in wide)


def test_wrap_breaks_english_at_spaces_and_japanese_anywhere():
    assert screen.wrap("aaa bbb ccc ddd", 8, "  ") == ["aaa bbb", "  ccc", "  ddd"]
    lines = screen.wrap("特異値分解と擬似逆行列と主成分分析", 10)
    assert all(screen.cells(x) <= 10 for x in lines) and "".join(lines) == "特異値分解と擬似逆行列と主成分分析"


def test_every_topic_has_a_learnt_sentence_and_ja_has_every_key_with_the_same_fields(curriculum):
    from grader.feedback import catalog

    for lang in ("en", "ja"):
        for t in curriculum.topics:
            assert catalog.messages(lang).get(f"watch.learnt.{t.id}"), (lang, t.id)
    en = {k for k in catalog.messages("en") if k.startswith("watch.")}
    assert en == {k for k in catalog.messages("ja") if k.startswith("watch.")}

    def fields(code, lang):
        return {f for _, f, _, _ in string.Formatter().parse(catalog.messages(lang)[code]) if f}

    assert [c for c in sorted(en) if fields(c, "en") != fields(c, "ja")] == []


def test_bench_times_saves_until_the_screen_shows_their_check():
    latency = bench.measure(saves=2, mutant=None, pause=0.5)
    assert len(latency.seconds) == 2 and all(0 < s < 60 for s in latency.seconds)
    assert "median" in latency.summary() and latency.source == "stub svd_basics"


def test_long_feedback_lines_continue_under_their_indent_and_the_middle_is_cut(curriculum):
    from grader.feedback import Feedback
    from grader.scoring import TestResult, TopicResult

    topic = curriculum.topic("svd_basics")
    long = Feedback("score.nothing_ran", {"topic": "x" * 150})  # one line of 150+ cells
    printed = "\n".join(f"printed line {i}" for i in range(12))
    tests = [TestResult(f"svd_2x2[{i}]", "svd_2x2", "failed", 0, 1, long, output=printed) for i in range(3)]
    state = State(curriculum.topics, topic, "exercises/svd_basics.py", {})
    state.result = TopicResult(topic.id, topic.title, topic.section, 0, 10, "failed", tests)
    lines = [screen.click.unstyle(x) for x in screen.render(state, width=60, height=40, lang="en")]
    body = lines[lines.index(next(x for x in lines if "First failing test: svd_2x2[0]" in x)) + 1 :]
    assert body[0].startswith("    ") and body[1].startswith("      x") and all(screen.cells(x) < 60 for x in lines)
    short = [screen.click.unstyle(x) for x in screen.render(state, width=60, height=18, lang="en")]
    assert len(short) <= 18 and any("more lines; `grader check svd_basics` shows everything" in x for x in short)
    tiny = [screen.click.unstyle(x) for x in screen.render(state, width=60, height=8, lang="en")]
    assert len(tiny) == 8 and tiny[0].startswith("grader watch") and tiny[-1].endswith("q\u00a0quit")
