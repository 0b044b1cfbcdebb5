"""``grader watch``: re-check the current topic on every save, on one screen.

``screen`` renders the state as lines (a pure function), ``terminal`` owns
the TTY (cbreak, alternate screen, signals, restore), ``changes`` notices
saves (file events, else polling), ``session`` grades with a warm judge and
worker pool and moves on when a topic passes, ``loop`` ties them together,
``bench`` measures save → screen latency.
"""
