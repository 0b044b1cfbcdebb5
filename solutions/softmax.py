"""Reference solution: softmax (lecture §3.12)."""

import numpy as np


def _shifted(z, axis):
    """z − max(z) along axis (every entry ≤ 0, so exp cannot overflow), and that max."""
    z = np.asarray(z, dtype=float)
    m = np.max(z, axis=axis, keepdims=True)
    return z - m, m


def softmax(z, axis=-1):
    x, _ = _shifted(z, axis)
    e = np.exp(x)
    return e / np.sum(e, axis=axis, keepdims=True)


def logsumexp(z, axis=-1):
    x, m = _shifted(z, axis)
    out = np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(x), axis=axis))
    return float(out) if out.ndim == 0 else out


def log_softmax(z, axis=-1):
    x, _ = _shifted(z, axis)
    return x - np.log(np.sum(np.exp(x), axis=axis, keepdims=True))


def softmax_jacobian(z):
    s = softmax(z)
    return np.diag(s) - np.outer(s, s)


def softmax_backward(s, g, axis=-1):
    s, g = np.asarray(s, dtype=float), np.asarray(g, dtype=float)
    return s * (g - np.sum(g * s, axis=axis, keepdims=True))


def cross_entropy(logits, labels):
    logp = log_softmax(logits, axis=1)
    labels = np.asarray(labels, dtype=int)
    return float(-np.mean(logp[np.arange(len(labels)), labels]))


def cross_entropy_grad(logits, labels):
    grad = softmax(logits, axis=1)
    labels = np.asarray(labels, dtype=int)
    n = len(labels)
    grad[np.arange(n), labels] -= 1.0
    return grad / n
