"""`grader verify`: the instructor's proof that the kit is sound.

1. static: stubs and solutions expose the curriculum's names and signatures,
   stubs only raise NotImplementedError, every topic has hints, a suite and
   at least MIN_MUTANTS mutants;
2. the reference solutions score full marks under two different seeds;
3. the stubs score zero, every test ``not_implemented``;
4. every mutant in the catalogue loses points (graded until its first loss),
   and that first loss names the mutant's ``mistake_id`` (or the mutant says
   why it is ``unnamed``): at least NAMED_SHARE of the catalogue is named;
5. no degenerate-answer probe (``grader.probes``: a constant, NaN, ±inf,
   noise, an extra leading axis or a constant label in place of every
   answer of a topic) earns a point: one full grading per (topic, probe).

The gradings of 2–5 are independent: they run in forked processes, one per
core, each with its own warm worker pool, grouped per topic so that one
pytest session (one collection of the suite) grades a topic's reference,
stub, mutants or probes one after the other.
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

from grader import mutants as mutant_catalogue
from grader import probes as probe_generator
from grader import signatures
from grader.curriculum import Curriculum, Topic
from grader.feedback import catalog
from grader.mutants import Mutant
from grader.probes import Probe
from grader.runner import grade_many
from grader.sandbox import WorkerPool
from grader.scoring import Report
from grader.submission import Submission

MIN_MUTANTS = 6
NAMED_SHARE = 0.9


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


def static_problems(topics: list[Topic], solutions: Path, exercises: Path, mutants: Path) -> list[str]:
    problems = []
    for topic in topics:
        sol, stub = solutions / topic.module_file, exercises / topic.module_file
        missing = [str(p) for p in (sol, stub) if not p.is_file()]
        if missing:
            problems += [f"{p} is missing" for p in missing]
            continue
        problems += signatures.curriculum_problems(sol, topic) + signatures.curriculum_problems(stub, topic)
        if signatures.public_api(sol) != signatures.public_api(stub):
            problems.append(f"{stub} and {sol} expose different names or signatures")
        problems += signatures.stub_problems(stub, topic)
        if not topic.hints:
            problems.append(f"topic {topic.id} has no hints in the curriculum")
        if not topic.suite_file.exists():
            problems.append(f"topic {topic.id} has no hidden suite {topic.suite_file}")
        try:
            count = len(mutant_catalogue.load(mutants, topic.id))
        except mutant_catalogue.MutantError as exc:
            problems.append(str(exc))
            continue
        if count < MIN_MUTANTS:
            problems.append(f"topic {topic.id} has {count} mutants in {mutants}; at least {MIN_MUTANTS} are needed")
        problems += _naming_problems(mutant_catalogue.load(mutants, topic.id))
    return problems


def _naming_problems(catalogue: list[Mutant]) -> list[str]:
    """Each mutant names a mistake the catalog knows, or says why it cannot be named."""
    problems = []
    for m in catalogue:
        label = f"mutant {m.topic}/{m.name}"
        if m.mistake_id and m.unnamed:
            problems.append(f"{label} has both mistake_id and unnamed; keep the one that holds")
        elif m.mistake_id:
            try:
                catalog.template(f"mistake.{m.mistake_id}", catalog.FALLBACK)
            except catalog.MissingMessage:
                problems.append(
                    f"{label}: mistake_id {m.mistake_id!r} has no message; add "
                    f"[mistake.{m.mistake_id.rpartition('.')[0]}] {m.mistake_id.rpartition('.')[2]} "
                    "to grader/feedback/en/"
                )
        elif not m.unnamed:
            problems.append(
                f'{label} names no mistake: add mistake_id = "{m.topic}.<id>" '
                '(the id its feedback must carry), or unnamed = "why the suite cannot name it"'
            )
    return problems


# --- the gradings, run in child processes ---------------------------------------

_context: dict = {}


def _child_start() -> None:
    pool = WorkerPool(_context["curriculum"].forbidden_union())
    _context["pool"] = pool
    multiprocessing.util.Finalize(pool, pool.close, exitpriority=10)


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
            gradings.append((submission, job.seed))
            where.append(index)
        reports = grade_many(gradings, [topic], c["curriculum"], maxfail=unit.maxfail, pool=c["pool"])
    for index, report in zip(where, reports):
        results[index] = report
    return [r for r in results if r is not None]


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
) -> Verification:
    """``matrix``: grade every mutant fully and end with the kill matrix (``grader verify --mutants``)."""
    result = Verification()

    def problem(text: str) -> None:
        result.problems.append(text)
        say(f"  ✗ {text}")

    say("static checks (names, signatures, stubs, hints, catalogue)")
    for text in static_problems(topics, solutions, exercises, mutants):
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
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_child_start) as ex:
        for unit, outcomes in zip(units, ex.map(_run, units)):
            for job, outcome in zip(unit.jobs, outcomes):
                if job.kind in ("solutions", "exercises") and isinstance(outcome, Report):
                    whole.setdefault((job.kind, job.seed), []).append(outcome)
                else:
                    _judge(job, outcome, result, say, problem)
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
    say("kill matrix:")
    say(f"  {'mutant':<58} {'score':<11}  {'caught by':<44} mistake named")
    for label, (score, max_score, test, mistake) in result.matrix.items():
        say(f"  {label:<58} {f'{score:.2f}/{max_score:g}':<11}  {test:<44} {mistake or '—'}")


def _summary(topics: list[Topic], result: Verification, say, problem) -> None:
    """Per topic: mutants caught and named; the whole catalogue's naming rate."""
    say("per topic: mutants caught and named; probes tried and tests they earn points on")
    for topic in topics:
        labels = [k for k in result.named if k.startswith(topic.id + "/")]
        named = sum(result.named[k] for k in labels)
        tried, earning = result.probed.get(topic.id, (0, 0))
        say(f"  {topic.id:<18} {len(labels):>3} caught {named:>3} named   {tried:>3} probes {earning:>3} earning")
    total, named = len(result.named), sum(result.named.values())
    if total:
        say(f"  naming rate {named}/{total} = {100 * named / total:.0f}%")
        if named < NAMED_SHARE * total:
            problem(
                f"only {named} of {total} mutants are named ({100 * named / total:.0f}%); "
                f"at least {100 * NAMED_SHARE:.0f}% must be"
            )


def _judge(job: _Job, outcome: Report | str, result: Verification, say, problem) -> None:
    if isinstance(outcome, str):
        problem(outcome)
        return
    tests = [(t.id, x) for t in outcome.topics for x in t.tests]
    if job.kind == "solutions":
        say(f"solutions, seed {job.seed}: {outcome.score:g}/{outcome.max_score:g} in {outcome.duration:.1f} s")
        for topic_id, x in tests:
            if x.status != "passed":
                problem(f"solutions lose points on {topic_id} › {x.id} (seed {job.seed}): [{x.status}] {x.message()}")
    elif job.kind == "exercises":
        say(f"exercises: {outcome.score:g}/{outcome.max_score:g}")
        for topic_id, x in tests:
            if x.status != "not_implemented":
                problem(f"a stub does not fail as not_implemented: {topic_id} › {x.id} [{x.status}] {x.message()}")
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
        problem(f"mutant {label} survived ({mutant.mistake})")
        return
    result.killed[label] = lost.id if lost else "(points missing)"
    result.matrix[label] = (outcome.score, outcome.max_score, result.killed[label], lost.mistake if lost else None)
    named = lost is not None and lost.mistake is not None and lost.mistake == mutant.mistake_id
    result.named[label] = named
    if mutant.mistake_id and not named:
        problem(
            f"mutant {label} is caught by {result.killed[label]} but not named: its feedback should carry "
            f"mistake {mutant.mistake_id!r}, it carries {lost.mistake if lost else None!r} "
            f"(code {lost.code if lost else None!r})"
        )
        return
    tag = f"named {mutant.mistake_id}" if named else f"unnamed ({mutant.unnamed})"
    say(f"  ✓ mutant {label:<44} killed by {result.killed[label]} [{lost.status if lost else '-'}], {tag}")


def _judge_probe(probe: Probe, outcome: Report, result: Verification, problem) -> None:
    """A probe earns when a test of a function it transforms earns points; one that did not run is a problem."""
    for t in outcome.topics:
        if t.status == "error":
            problem(f"probe {probe.name} of {t.id} did not run (so it proves nothing): {t.message()}")
    earning = [(t.id, x) for t in outcome.topics for x in t.tests if x.function in probe.functions and x.points > 0]
    counts = result.probed.setdefault(probe.topic, [0, 0])
    counts[0] += 1
    counts[1] += len(earning)
    for topic_id, x in earning:
        problem(f"probe {probe.name_for(x.function)} earns {x.points:g} points on {topic_id} › {x.id}")
