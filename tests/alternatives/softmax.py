"""An independent correct softmax topic, for the test that alternative answers get full marks.

Other valid choices than solutions/softmax.py: everything goes through one
logsumexp (softmax = exp(z − lse), log_softmax = z − lse), the axis is moved
to the end and back, scalars come back as numpy float64, the Jacobian is
s·(I − sᵀ) row by row, cross-entropy is lse(row) − logit[label], and the
one-hot comes from np.eye.
"""

import numpy as np


def _lse_last(x):
    """logsumexp over the last axis, keepdims, for float x."""
    top = x.max(axis=-1, keepdims=True)
    return top + np.log(np.exp(x - top).sum(axis=-1, keepdims=True))


def _on_last(f, z, axis):
    x = np.moveaxis(np.asarray(z, dtype=np.float64), axis, -1)
    return np.moveaxis(f(x), -1, axis)


def softmax(z, axis=-1):
    return _on_last(lambda x: np.exp(x - _lse_last(x)), z, axis)


def logsumexp(z, axis=-1):
    x = np.moveaxis(np.asarray(z, dtype=np.float64), axis, -1)
    out = _lse_last(x)[..., 0]
    return out if out.ndim else np.float64(out)


def log_softmax(z, axis=-1):
    return _on_last(lambda x: x - _lse_last(x), z, axis)


def softmax_jacobian(z):
    s = softmax(np.asarray(z, dtype=np.float64))
    return s[:, None] * (np.eye(s.size) - s[None, :])


def softmax_backward(s, g, axis=-1):
    s, g = np.asarray(s, dtype=np.float64), np.asarray(g, dtype=np.float64)
    sg = s * g
    return sg - s * sg.sum(axis=axis, keepdims=True)


def cross_entropy(logits, labels):
    x = np.asarray(logits, dtype=np.float64)
    idx = np.asarray(labels).astype(np.intp)
    picked = np.take_along_axis(x, idx[:, None], axis=1)[:, 0]
    return np.float64(np.mean(_lse_last(x)[:, 0] - picked))


def cross_entropy_grad(logits, labels):
    x = np.asarray(logits, dtype=np.float64)
    onehot = np.eye(x.shape[1])[np.asarray(labels).astype(np.intp)]
    return (softmax(x, axis=1) - onehot) / x.shape[0]
