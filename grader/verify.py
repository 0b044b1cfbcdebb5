"""`grader verify`: the instructor's proof that the kit is sound.

1. static: stubs and solutions expose the curriculum's names and signatures,
   stubs only raise NotImplementedError, every topic has hints, a suite and
   at least MIN_MUTANTS mutants;
2. the reference solutions score full marks under two different seeds;
3. the stubs score zero, every test ``not_implemented``;
4. every mutant in the catalogue loses points (graded until its first loss).
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Callable

from grader import mutants as mutant_catalogue
from grader import signatures
from grader.curriculum import Curriculum, Topic
from grader.runner import grade
from grader.sandbox import WorkerPool
from grader.submission import Submission

MIN_MUTANTS = 4


@dataclasses.dataclass
class Verification:
    problems: list[str] = dataclasses.field(default_factory=list)
    killed: dict[str, str] = dataclasses.field(default_factory=dict)  # "topic/mutant" -> first failing test

    @property
    def ok(self) -> bool:
        return not self.problems


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
        count = len(mutant_catalogue.load(mutants, topic.id))
        if count < MIN_MUTANTS:
            problems.append(f"topic {topic.id} has {count} mutants in {mutants}; at least {MIN_MUTANTS} are needed")
    return problems


def verify(curriculum: Curriculum, topics: list[Topic], solutions: Path, exercises: Path, mutants: Path,
           seeds: tuple[int, int], say: Callable[[str], None]) -> Verification:
    result = Verification()

    def problem(text: str) -> None:
        result.problems.append(text)
        say(f"  ✗ {text}")

    say("static checks (names, signatures, stubs, hints, catalogue)")
    for text in static_problems(topics, solutions, exercises, mutants):
        problem(text)
    if result.problems:
        return result
    pool = WorkerPool(curriculum.forbidden_union())
    try:
        reference = Submission.from_dir(solutions, curriculum)
        for seed in seeds:
            report = grade(reference, topics, curriculum, seed, pool=pool)
            say(f"solutions, seed {seed}: {report.score:g}/{report.max_score:g} in {report.duration:.1f} s")
            for t in report.topics:
                for x in t.tests:
                    if x.status != "passed":
                        problem(f"solutions lose points on {t.id} › {x.id} (seed {seed}): [{x.status}] {x.message}")
        stubs = grade(Submission.from_dir(exercises, curriculum), topics, curriculum, seeds[0], pool=pool)
        say(f"exercises: {stubs.score:g}/{stubs.max_score:g}")
        for t in stubs.topics:
            for x in t.tests:
                if x.status != "not_implemented":
                    problem(f"a stub does not fail as not_implemented: {t.id} › {x.id} [{x.status}] {x.message}")
        say("mutants:")
        for topic in topics:
            source = (solutions / topic.module_file).read_text(encoding="utf-8")
            for mutant in mutant_catalogue.load(mutants, topic.id):
                _grade_mutant(mutant, source, reference, topic, curriculum, seeds[0], pool, result, say, problem)
    finally:
        pool.close()
    return result


def _grade_mutant(mutant, source, reference, topic, curriculum, seed, pool, result, say, problem) -> None:
    label = f"{topic.id}/{mutant.name}"
    try:
        text = mutant.source(source)
    except mutant_catalogue.MutantError as exc:
        problem(str(exc))
        return
    with tempfile.TemporaryDirectory(prefix="grader-mutant-") as tmp:
        path = Path(tmp) / topic.module_file
        path.write_text(text, encoding="utf-8")
        report = grade(reference.replace(topic.id, path, label), [topic], curriculum, seed, maxfail=1, pool=pool)
    lost = next((x for x in report.topics[0].tests if x.status != "passed"), None)
    if lost is None and report.topics[0].score >= report.topics[0].max_score:
        problem(f"mutant {label} survived ({mutant.mistake})")
    else:
        result.killed[label] = lost.id if lost else "(points missing)"
        say(f"  ✓ {label:<42} killed by {result.killed[label]} [{lost.status if lost else '-'}]")
