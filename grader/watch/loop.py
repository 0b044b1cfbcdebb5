"""The watch loop: wait for a key, a save or a signal; re-check; redraw.

A notice of a change starts a quiet period (``Watcher.quiet``); after it
the module is re-checked only if its content hash differs from the last
checked one, so an editor's double write, a touch or a swap file costs
nothing.
"""

from __future__ import annotations

import time

from grader.watch import screen
from grader.watch.changes import Watcher
from grader.watch.session import Session
from grader.watch.terminal import Terminal


def run(session: Session, watcher: Watcher, terminal: Terminal, lang: str) -> None:
    state = session.state

    def draw() -> None:
        state.polling = watcher.interval
        terminal.draw(screen.render(state, *terminal.size(), lang))

    def check() -> None:
        state.checking = True
        draw()
        session.check()
        state.checking = False
        watcher.follow(session.module)
        draw()

    watcher.follow(session.module)
    check()
    pending: float | None = None  # when the last change was noticed, until it is acted on
    while not terminal.stop:
        keys, _ = terminal.wait([watcher.fileno()], watcher.quiet if pending is not None else watcher.interval)
        if terminal.resized:
            terminal.resized = False
            draw()
        if watcher.noticed():
            pending = time.monotonic()
        elif pending is not None and time.monotonic() - pending >= watcher.quiet:
            pending = None
            if session.changed():
                check()
        for key in keys.lower():
            if key == "q":
                return
            if key == "h":
                session.hint()
                draw()
            elif key == "l":
                session.toggle_list()
                draw()
            elif key == "n":
                following = session.next_topic()
                if following is not None:
                    session.go(following)
                    check()
            elif key == "r":
                check()


def watch(curriculum, folder, topic, seed: int, poll: bool, lang: str) -> tuple[int, bool]:
    """Set up the judge, the warm worker pool, the watcher and the terminal; run until q or a signal.

    Returns how many topics have passed and whether a second Ctrl-C cut the session short."""
    from grader.sandbox import WorkerPool

    pool = WorkerPool(curriculum.forbidden_union())  # its fork server starts while pytest loads
    from grader import runner  # noqa: F401  (the judge: pytest and the runner imported once, before the first save)

    watcher = Watcher(folder, poll)
    session = Session(curriculum, folder, topic, seed, pool)
    interrupted = False
    try:
        with Terminal() as terminal:
            run(session, watcher, terminal, lang)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        watcher.close()
        pool.close()
    return session.state.passed, interrupted
