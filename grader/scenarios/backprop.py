"""Scenarios for backprop: mlp_forward and mlp_backward, called here in the worker.

A direct call cannot take them: the worker's check for arguments changed in
place turns every list argument into one numpy array, and neither `params`
(pairs (W, b) of different shapes) nor a learner's list cache of activations
of different widths is one. So these scenarios make the call, watch the
arguments the grader owns themselves, and report whether the returned value
is plain data (it has to be: the cache travels to the grader and back).
"""

import copy

import numpy as np

from grader import wire

__all__ = ["forward", "backward"]


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (type(a) is type(b) and a.shape == b.shape and a.dtype == b.dtype
                and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    return type(a) is type(b) and a == b


def _call(function, args: dict, watched: tuple[str, ...]) -> dict:
    """{"value": what function(*args) returned, or "not_plain": why it cannot cross; "changed": [names]}."""
    before = {name: copy.deepcopy(args[name]) for name in watched}
    value = function(*args.values())
    changed = [name for name in watched if not _same(args[name], before[name])]
    try:
        wire.encode(value, path="the returned value")
    except wire.WireError as exc:
        return {"not_plain": str(exc), "changed": changed}
    return {"value": value, "changed": changed}


def forward(learner, params, X):
    return _call(learner.mlp_forward, {"params": params, "X": X}, ("params", "X"))


def backward(learner, params, cache, Y):
    """The cache is the learner's own: changing it is their business."""
    return _call(learner.mlp_backward, {"params": params, "cache": cache, "Y": Y}, ("params", "Y"))
