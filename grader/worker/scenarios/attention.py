"""Scenarios for attention: count how much Python the learner's backward pass runs."""

import sys

__all__ = ["backward_lines"]


def backward_lines(learner, H, W_Q, W_K, W_V, W_O, dout):
    """Line events executed in the learner's own file while attention_backward runs.

    Vectorised code runs the same lines whatever T is; a loop over positions
    (for-loop, comprehension, a helper called per row) runs more as T grows.
    """
    _, cache = learner.attention_forward(H, W_Q, W_K, W_V, W_O)
    filename, count = learner.__file__, 0

    def count_lines(frame, event, arg):
        nonlocal count
        count += event == "line"
        return count_lines

    def enter(frame, event, arg):
        return count_lines if frame.f_code.co_filename == filename else None

    sys.settrace(enter)
    try:
        learner.attention_backward(dout, cache)
    finally:
        sys.settrace(None)
    return count
