"""One learner's watch session: the current topic, its last result, and moving on.

The judge stays warm: this process has pytest and the suites imported after
the first check, and one ``WorkerPool`` keeps its fork server warm, so the
next check costs a fork, not an interpreter start-up. Every check is recorded in ``Progress`` as
``grader check`` records it.
"""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

from grader.curriculum import Curriculum, Topic
from grader.progress import Progress
from grader.sandbox import WorkerPool
from grader.scoring import TopicResult
from grader.submission import Submission, SubmissionError
from grader.watch.changes import digest


@dataclasses.dataclass
class State:
    """Everything the screen shows (``screen.render`` draws it)."""

    topics: list[Topic]
    topic: Topic
    path: str  # the current module as the learner names it
    statuses: dict[str, str | None]
    result: TopicResult | None = None
    error: str = ""  # the grader itself failed on the last check
    checks: int = 0
    ms: int = 0
    at: str = ""
    checking: bool = False
    moved_from: str = ""  # the topic that just passed, when the session moved on from it
    done: bool = False  # every topic passed
    panel: str = ""  # "", "hints" or "list"
    hints_shown: int = 0
    polling: float | None = None  # the poll interval when there are no file events

    @property
    def number(self) -> int:
        return self.topics.index(self.topic) + 1

    @property
    def passed(self) -> int:
        return sum(self.statuses.get(t.id) == "passed" for t in self.topics)


class Session:
    def __init__(self, curriculum: Curriculum, folder, topic: Topic | None, seed: int, pool: WorkerPool):
        self.curriculum, self.folder, self.seed, self.pool = curriculum, Path(folder), seed, pool
        self.progress = Progress(folder)
        statuses = {t.id: self.progress.status(t.id) for t in curriculum.topics}
        start = topic or self._pending_after(None, statuses) or curriculum.topics[-1]
        self.state = State(curriculum.topics, start, self._display(start), statuses)
        self.checked_digest: str | None = None

    def _display(self, topic: Topic) -> str:
        return os.path.join(str(self.folder), topic.module_file)

    @property
    def module(self) -> Path:
        return self.folder / self.state.topic.module_file

    def _pending_after(self, topic: Topic | None, statuses) -> Topic | None:
        """The first topic not passed after ``topic`` in lecture order, else the first one before it."""
        topics = self.curriculum.topics
        start = topics.index(topic) + 1 if topic else 0
        for t in topics[start:] + topics[:start]:
            if statuses.get(t.id) != "passed" and t is not topic:
                return t
        return None

    def changed(self) -> bool:
        """The module's content differs from what was last checked."""
        return digest(self.module) != self.checked_digest

    def check(self) -> None:
        """Grade the current topic; when it passes, move on to the next topic not passed and check that one."""
        from grader import runner

        state = self.state
        self.checked_digest = digest(self.module)
        start = time.monotonic()
        try:
            submission = Submission.from_dir(self.folder, self.curriculum)
            report = runner.grade(submission, [state.topic], self.curriculum, self.seed, pool=self.pool)
        except (SubmissionError, runner.GraderError, RuntimeError) as exc:
            state.result, state.error = None, str(exc)
        else:
            self.progress.record(report)
            state.result, state.error = report.topics[0], ""
            state.statuses[state.topic.id] = state.result.status
        state.checks += 1
        state.ms = round(1000 * (time.monotonic() - start))
        state.at = time.strftime("%H:%M:%S")
        state.moved_from = ""
        if state.result is not None and state.result.status == "passed":
            following = self._pending_after(state.topic, state.statuses)
            if following is None:
                state.done = True
            else:
                passed = state.topic.id
                self.go(following)
                self.check()
                state.moved_from = state.moved_from or passed  # a run of passing topics names the last one

    def go(self, topic: Topic) -> None:
        """Make ``topic`` current (its result comes with the next check)."""
        state = self.state
        state.topic, state.path, state.result, state.error = topic, self._display(topic), None, ""
        state.moved_from, state.done, state.hints_shown = "", False, 0
        if state.panel == "hints":
            state.panel = ""

    def next_topic(self) -> Topic | None:
        topics = self.curriculum.topics
        number = topics.index(self.state.topic)
        return topics[number + 1] if number + 1 < len(topics) else None

    def hint(self) -> None:
        """Reveal one more hint of the current topic (as `grader hint` does) and show the hints."""
        state, hints = self.state, self.state.topic.hints
        seen = self.progress.hints_seen(state.topic.id)
        state.hints_shown = min(max(seen, state.hints_shown) + 1, len(hints))
        self.progress.see_hint(state.topic.id, max(seen, state.hints_shown))
        state.panel = "hints"

    def toggle_list(self) -> None:
        self.state.panel = "" if self.state.panel == "list" else "list"
