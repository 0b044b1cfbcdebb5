"""Feedback is data: a failure is a ``Feedback`` (a code, maybe a recognised
mistake, and parameters), and ``render`` is the one place that turns it into
text, from a message catalog per language (``grader/feedback/<lang>/*.toml``).

No other layer writes learner-facing sentences or reads them back.
"""

from grader.feedback.model import Call, Feedback, Frame
from grader.feedback.render import render, render_test

__all__ = ["Call", "Feedback", "Frame", "render", "render_test"]
