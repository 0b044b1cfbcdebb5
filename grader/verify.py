"""`grader verify`: the instructor's proof that the kit is sound.

1. static: stubs and solutions expose the curriculum's names and signatures,
   stubs only raise NotImplementedError, every topic has hints, a suite and
   at least MIN_MUTANTS mutants; the stubs of every other language
   (grader/stubs/<lang>/) are pure stubs with exactly the English stubs' API;
2. the reference solutions score full marks under two different seeds;
3. the stubs score zero, every test ``not_implemented``;
4. every mutant in the catalogue loses points (graded until its first loss,
   on the tests that can reach its change: ``grader.impact``; one that
   survives them is graded in full), and that first loss names the mutant's
   ``mistake_id`` (or the mutant says why it is ``unnamed``): at least
   NAMED_SHARE of the catalogue is named;
5. no degenerate-answer probe (``grader.probes``: a constant, NaN, ±inf,
   noise, an extra leading axis or a constant label in place of every
   answer of a topic) earns a point: one full grading per (topic, probe).

The gradings of 2–5 are independent: they run in forked processes, one per
core, grouped per topic so that one pytest session (one collection of the
suite) grades a topic's reference, stub, mutants or probes one after the
other. All of them fork their workers from one fork server, launched when
the command starts (``grader.prestart``), each over a channel of its own;
it is reset once, at the end (the gradings are the instructor's own code).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import multiprocessing.util
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from grader import fmt, impact, signatures, stubs
from grader import mutants as mutant_catalogue
from grader import probes as probe_generator
from grader.curriculum import Curriculum, Topic
from grader.feedback import catalog
from grader.feedback.render import message
from grader.mutants import Mutant
from grader.probes import Probe
from grader.runner import grade_many
from grader.sandbox import WorkerPool
from grader.scoring import Report
from grader.submission import Submission

MIN_MUTANTS = 6
NAMED_SHARE = 0.9


def _t(key: str, /, **params) -> str:
    """A line of verify's (``verify.<key>`` in the catalog), in the reader's language."""
    return message(f"verify.{key}", **params)


@dataclasses.dataclass
class Verification:
    problems: list[str] = dataclasses.field(default_factory=list)
    killed: dict[str, str] = dataclasses.field(default_factory=dict)  # "topic/mutant" -> first failing test
    named: dict[str, bool] = dataclasses.field(default_factory=dict)  # "topic/mutant" -> its mistake was named
    probed: dict[str, list[int]] = dataclasses.field(default_factory=dict)  # topic -> [probes tried, tests earning]
    matrix: dict[str, tuple] = dataclasses.field(default_factory=dict)  # "topic/mutant" -> (score, max, test, mistake)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclasses.dataclass(frozen=True)
class _Job:
    kind: str  # "solutions", "exercises", "mutant" or "probe"
    seed: int
    topic: Topic | None = None
    mutant: Mutant | None = None
    probe: Probe | None = None


def static_problems(
    topics: list[Topic], solutions: Path, exercises: Path, mutants: Path, translations: dict[str, Path] | None = None
) -> list[str]:
    """``translations``: {lang: folder} of the other languages' stubs [default: the grader's own]."""
    problems = []
    translations = stubs.translated() if translations is None else translations
    for topic in topics:
        problems += _translation_problems(topic, exercises, translations)
        sol, stub = solutions / topic.module_file, exercises / topic.module_file
        missing = [str(p) for p in (sol, stub) if not p.is_file()]
        if missing:
            problems += [_t("file_missing", path=p) for p in missing]
            continue
        problems += signatures.curriculum_problems(sol, topic) + signatures.curriculum_problems(stub, topic)
        if signatures.public_api(sol) != signatures.public_api(stub):
            problems.append(_t("api_differs", stub=stub, solution=sol))
        problems += signatures.stub_problems(stub, topic)
        if not topic.hints:
            problems.append(_t("no_hints", topic=topic.id))
        if not topic.suite_file.exists():
            problems.append(_t("no_suite", topic=topic.id, suite=topic.suite_file))
        try:
            count = len(mutant_catalogue.load(mutants, topic.id))
        except mutant_catalogue.MutantError as exc:
            problems.append(str(exc))
            continue
        if count < MIN_MUTANTS:
            problems.append(_t("too_few_mutants", topic=topic.id, count=count, mutants=mutants, needed=MIN_MUTANTS))
        problems += _naming_problems(mutant_catalogue.load(mutants, topic.id))
    return problems


def _translation_problems(topic: Topic, exercises: Path, translations: dict[str, Path]) -> list[str]:
    """Each translated stub has the English stub's names and signatures and is a pure stub in its language."""
    problems = []
    english = exercises / topic.module_file
    for lang, folder in translations.items():
        stub = folder / topic.module_file
        if not stub.is_file():
            problems.append(f"{stub} is missing: the {lang} stubs need every topic's module")
            continue
        if english.is_file():
            drift = _api_drift(signatures.public_api(stub), signatures.public_api(english))
            if drift:
                problems.append(f"the {lang} stub {stub} has drifted from {english}: {'; '.join(drift)}")
        problems += signatures.stub_problems(stub, topic, lang)
    return problems


def _api_drift(ours: dict[str, str], theirs: dict[str, str]) -> list[str]:
    """How the API ``ours`` differs from ``theirs``, one phrase per name."""
    drift = []
    for name in sorted(set(ours) | set(theirs), key=lambda n: (n not in theirs, n)):
        if name not in ours:
            drift.append(f"{name}{theirs[name]} is missing")
        elif name not in theirs:
            drift.append(f"{name}{ours[name]} is not in the English stub")
        elif ours[name] != theirs[name]:
            drift.append(f"{name}{ours[name]} should be {name}{theirs[name]}")
    return drift


def _naming_problems(catalogue: list[Mutant]) -> list[str]:
    """Each mutant names a mistake the catalog knows, or says why it cannot be named."""
    problems = []
    for m in catalogue:
        label = f"{m.topic}/{m.name}"
        if m.mistake_id and m.unnamed:
            problems.append(_t("both_named_and_unnamed", label=label))
        elif m.mistake_id:
            try:
                catalog.template(f"mistake.{m.mistake_id}", catalog.FALLBACK)
            except catalog.MissingMessage:
                table, _, key = m.mistake_id.rpartition(".")
                problems.append(
                    _t("mistake_without_message", label=label, mistake_id=m.mistake_id, table=table, key=key)
                )
        elif not m.unnamed:
            problems.append(_t("names_no_mistake", label=label, topic=m.topic))
    return problems


# --- the gradings, run in child processes ---------------------------------------

_context: dict = {}


def _child_start(branches: list[WorkerPool], mine) -> None:
    """In a forked child: take one of the channels opened before the fork; the others are another child's."""
    index = mine.get()
    for other, pool in enumerate(branches):
        if other != index:
            pool.close()
    _context["pool"] = branches[index]
    multiprocessing.util.Finalize(branches[index], branches[index].close, exitpriority=10)


@dataclasses.dataclass(frozen=True)
class _Unit:
    """Gradings of one topic that share a pytest session: the suite is collected once for all of them."""

    topic: Topic
    maxfail: int | None
    jobs: tuple[_Job, ...]


def _source(job: _Job, reference: str) -> str | None:
    """The module text a mutant or probe job grades (None: the reference or stub folder as it is)."""
    if job.mutant is not None:
        return job.mutant.source(reference)
    if job.probe is not None:
        return job.probe.source(reference)
    return None


def _label(job: _Job, topic: Topic) -> str:
    if job.mutant is not None:
        return f"{topic.id}/{job.mutant.name}"
    return f"{topic.id}/probe {job.probe.name}" if job.probe is not None else ""


def _run(unit: _Unit) -> list[Report | str]:
    """Each job's report; for a mutant that no longer applies, the reason as text."""
    c, topic = _context, unit.topic
    reference = (c["solutions"] / topic.module_file).read_text(encoding="utf-8")
    results: list[Report | str | None] = [None] * len(unit.jobs)
    gradings, where = [], []
    with tempfile.TemporaryDirectory(prefix="grader-variants-") as tmp:
        for index, job in enumerate(unit.jobs):
            try:
                text = _source(job, reference)
            except mutant_catalogue.MutantError as exc:
                results[index] = str(exc)
                continue
            if text is None:
                submission = c["reference"] if job.kind == "solutions" else c["stubs"]
            else:
                path = Path(tmp) / str(index) / topic.module_file
                path.parent.mkdir()
                path.write_text(text, encoding="utf-8")
                submission = c["reference"].replace(topic.id, path, _label(job, topic))
            # a mutant graded until its first loss need only run the tests that can reach its change
            only = _reach(job, reference, text, topic) if unit.maxfail == 1 else None
            gradings.append((submission, job.seed, only))
            where.append(index)
        # a probe is judged on the tests of the functions it transforms: the others need not run
        probed = {f for job in unit.jobs if job.probe is not None for f in job.probe.functions}

        def graded(gradings):
            return grade_many(  # verdicts only: no data for pictures
                gradings,
                [topic],
                c["curriculum"],
                maxfail=unit.maxfail,
                pool=c["pool"],
                functions=probed or None,
                pictures=False,
            )

        reports = graded(gradings)
        again = [i for i, (g, r) in enumerate(zip(gradings, reports)) if g[2] is not None and not _lost(r)]
        if again:  # survived the tests kept: graded in full, so pruning never decides a survival
            for i, report in zip(again, graded([(gradings[i][0], gradings[i][1], None) for i in again])):
                reports[i] = report
    for index, report in zip(where, reports):
        results[index] = report
    return [r for r in results if r is not None]


def _reach(job: _Job, reference: str, text: str | None, topic: Topic) -> frozenset[str] | None:
    if job.mutant is None or text is None:
        return None
    return impact.tests_to_run(reference, text, topic.suite_file.read_text(encoding="utf-8"), topic.functions)


def _lost(report: Report) -> bool:
    return any(x.status != "passed" for t in report.topics for x in t.tests)


def _probe_jobs(topic: Topic, solutions: Path, seed: int) -> list[_Job]:
    reference = (solutions / topic.module_file).read_text(encoding="utf-8")
    return [_Job("probe", seed, topic, probe=p) for p in probe_generator.probes(topic, reference)]


def _units(
    topics: list[Topic], solutions: Path, mutants: Path, seeds: tuple[int, int], probes: bool, matrix: bool
) -> list[_Unit]:
    """Per topic: the reference under both seeds and the stub; its mutants (until their first loss,
    unless the kill matrix wants whole scores); its probes."""
    units = []
    for topic in topics:
        plain = [_Job("solutions", seed, topic) for seed in seeds] + [_Job("exercises", seeds[0], topic)]
        units.append(_Unit(topic, None, tuple(plain)))
        caught = [_Job("mutant", seeds[0], topic, m) for m in mutant_catalogue.load(mutants, topic.id)]
        units.append(_Unit(topic, None if matrix else 1, tuple(caught)))
        if probes:
            units.append(_Unit(topic, None, tuple(_probe_jobs(topic, solutions, seeds[0]))))
    return units


# --- judging the results ------------------------------------------------------------


def verify(
    curriculum: Curriculum,
    topics: list[Topic],
    solutions: Path,
    exercises: Path,
    mutants: Path,
    seeds: tuple[int, int],
    say: Callable[[str], None],
    jobs: int | None = None,
    probes: bool = True,
    matrix: bool = False,
    translations: dict[str, Path] | None = None,
) -> Verification:
    """``matrix``: grade every mutant fully and end with the kill matrix (``grader verify --mutants``);
    ``translations``: {lang: folder} of the other languages' stubs [default: the grader's own]."""
    result = Verification()

    def problem(text: str) -> None:
        result.problems.append(text)
        say(f"  ✗ {text}")

    say(_t("static"))
    for text in static_problems(topics, solutions, exercises, mutants, translations):
        problem(text)
    if result.problems:
        return result
    _context.update(
        curriculum=curriculum,
        topics=topics,
        solutions=solutions,
        reference=Submission.from_dir(solutions, curriculum),
        stubs=Submission.from_dir(exercises, curriculum),
        matrix=matrix,
    )
    units = _units(topics, solutions, mutants, seeds, probes, matrix)
    units.sort(key=lambda u: -len(u.jobs) * u.topic.suite_file.stat().st_size)  # the longest first
    workers = jobs or len(os.sched_getaffinity(0))
    whole: dict[tuple[str, int], list[Report]] = {}  # (kind, seed) -> one report per topic
    context = multiprocessing.get_context("fork")
    pool = WorkerPool(curriculum.forbidden_union())  # the early fork server, started with the command
    branches = [pool.branch() for _ in range(workers)]
    mine = context.Queue()
    for index in range(workers):
        mine.put(index)
    try:
        with ProcessPoolExecutor(workers, context, _child_start, (branches, mine)) as ex:
            for unit, outcomes in zip(units, ex.map(_run, units)):
                for job, outcome in zip(unit.jobs, outcomes):
                    if job.kind in ("solutions", "exercises") and isinstance(outcome, Report):
                        whole.setdefault((job.kind, job.seed), []).append(outcome)
                    else:
                        _judge(job, outcome, result, say, problem)
    finally:
        for branch in branches:
            branch.close()
        pool.close()
    for (kind, seed), parts in sorted(whole.items()):
        merged = dataclasses.replace(
            parts[0], topics=[t for p in parts for t in p.topics], duration=sum(p.duration for p in parts)
        )
        _judge(_Job(kind, seed), merged, result, say, problem)
    _summary(topics, result, say, problem)
    if matrix:
        _kill_matrix(result, say)
    return result


def _kill_matrix(result: Verification, say) -> None:
    """Each mutant: the score it got (graded fully), the first test that caught it and the mistake it named."""
    say(_t("kill_matrix"))

    def row(mutant: str, score: str, test: str, mistake: str) -> str:
        return f"  {fmt.pad(mutant, 58)} {fmt.pad(score, 11)}  {fmt.pad(test, 44)} {mistake}"

    say(row(_t("col_mutant"), _t("col_score"), _t("col_caught_by"), _t("col_mistake")))
    for label, (score, max_score, test, mistake) in result.matrix.items():
        say(row(label, f"{score:.2f}/{max_score:g}", test, mistake or "—"))


def _summary(topics: list[Topic], result: Verification, say, problem) -> None:
    """Per topic: mutants caught and named; the whole catalogue's naming rate."""
    say(_t("per_topic"))
    for topic in topics:
        labels = [k for k in result.named if k.startswith(topic.id + "/")]
        named = sum(result.named[k] for k in labels)
        tried, earning = result.probed.get(topic.id, (0, 0))
        counts = {k: f"{v:>3}" for k, v in dict(caught=len(labels), named=named, tried=tried, earning=earning).items()}
        say(f"  {fmt.pad(topic.id, 18)} " + _t("topic_row", **counts))
    total, named = len(result.named), sum(result.named.values())
    if total:
        say("  " + _t("naming_rate", named=named, total=total, percent=100 * named / total))
        if named < NAMED_SHARE * total:
            problem(_t("too_few_named", named=named, total=total, percent=100 * named / total, share=100 * NAMED_SHARE))


def _judge(job: _Job, outcome: Report | str, result: Verification, say, problem) -> None:
    if isinstance(outcome, str):
        problem(outcome)
        return
    tests = [(t.id, x) for t in outcome.topics for x in t.tests]
    if job.kind == "solutions":
        say(_t("solutions", seed=job.seed, score=outcome.score, max_score=outcome.max_score, seconds=outcome.duration))
        for topic_id, x in tests:
            if x.status != "passed":
                lost = dict(topic=topic_id, test=x.id, seed=job.seed, status=x.status, message=x.message())
                problem(_t("solutions_lose", **lost))
    elif job.kind == "exercises":
        say(_t("exercises", score=outcome.score, max_score=outcome.max_score))
        for topic_id, x in tests:
            if x.status != "not_implemented":
                problem(_t("stub_not_unimplemented", topic=topic_id, test=x.id, status=x.status, message=x.message()))
    elif job.probe is not None:
        _judge_probe(job.probe, outcome, result, problem)
    elif job.topic is not None and job.mutant is not None:
        _judge_mutant(job.topic, job.mutant, outcome, result, say, problem)


def _judge_mutant(topic: Topic, mutant: Mutant, outcome: Report, result: Verification, say, problem) -> None:
    """Caught (its first failure lost points) and named (that failure carries its mistake_id)."""
    tests = [x for t in outcome.topics for x in t.tests]
    label = f"{topic.id}/{mutant.name}"
    lost = next((x for x in tests if x.status != "passed"), None)
    if lost is None and outcome.score >= outcome.max_score:
        problem(_t("survived", label=label, mistake=mutant.mistake))
        return
    result.killed[label] = lost.id if lost else "(points missing)"
    result.matrix[label] = (outcome.score, outcome.max_score, result.killed[label], lost.mistake if lost else None)
    named = lost is not None and lost.mistake is not None and lost.mistake == mutant.mistake_id
    result.named[label] = named
    if mutant.mistake_id and not named:
        carries, code = repr(lost.mistake if lost else None), repr(lost.code if lost else None)
        problem(
            _t(
                "not_named",
                label=label,
                test=result.killed[label],
                expected=mutant.mistake_id,
                carries=carries,
                code=code,
            )
        )
        return
    tag = _t("named", mistake=mutant.mistake_id) if named else _t("unnamed", why=mutant.unnamed)
    status = lost.status if lost else "-"
    say("  ✓ " + _t("killed", label=fmt.pad(label, 44), test=result.killed[label], status=status, tag=tag))


def _judge_probe(probe: Probe, outcome: Report, result: Verification, problem) -> None:
    """A probe earns when a test of a function it transforms earns points; one that did not run is a problem."""
    for t in outcome.topics:
        if t.status == "error":
            problem(_t("probe_did_not_run", probe=probe.name, topic=t.id, message=t.message()))
    earning = [(t.id, x) for t in outcome.topics for x in t.tests if x.function in probe.functions and x.points > 0]
    counts = result.probed.setdefault(probe.topic, [0, 0])
    counts[0] += 1
    counts[1] += len(earning)
    for topic_id, x in earning:
        problem(_t("probe_earns", probe=probe.name_for(x.function), points=x.points, topic=topic_id, test=x.id))
