"""An independent correct backprop topic, for the test that alternative answers get full marks.

Other valid choices than solutions/backprop.py: σ(x) = ½(1 + tanh(x/2)) (no
exp at all), the cache is a dict of pre-activations and activations, σ' is
taken from the pre-activation z, gradients are filled by index (no reversal)
as [dW, db] lists, and the loss is a dot product.
"""

import numpy as np


def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=float)))


def mlp_forward(params, X):
    a = np.asarray(X, dtype=float)
    cache = {"inputs": [], "z": []}
    for W, b in params:
        cache["inputs"].append(a)
        z = np.einsum("ni,oi->no", a, np.asarray(W, dtype=float)) + np.asarray(b, dtype=float)
        cache["z"].append(z)
        a = sigmoid(z)
    cache["out"] = a
    return a, cache


def mse_loss(out, Y):
    d = (np.asarray(out, dtype=float) - np.asarray(Y, dtype=float)).ravel()
    return float(0.5 * np.dot(d, d))


def mlp_backward(params, cache, Y):
    n = len(params)
    grads = [None] * n
    upstream = cache["out"] - np.asarray(Y, dtype=float)  # ∂L/∂a of the last layer
    for i in range(n - 1, -1, -1):
        s = sigmoid(cache["z"][i])
        delta = upstream * s * (1.0 - s)
        grads[i] = [np.einsum("no,ni->oi", delta, cache["inputs"][i]), np.einsum("no->o", delta)]
        upstream = delta @ np.asarray(params[i][0], dtype=float)
    return grads
