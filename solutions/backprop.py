"""Reference solution: backprop (lecture §3.9)."""

import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))  # in (0, 1]: cannot overflow
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _layers(params):
    return [(np.asarray(W, dtype=float), np.asarray(b, dtype=float)) for W, b in params]


def mlp_forward(params, X):
    hs = [np.asarray(X, dtype=float)]
    for W, b in _layers(params):
        hs.append(sigmoid(hs[-1] @ W.T + b))
    return hs[-1], hs  # the cache: the input and every layer's activation, hs[i + 1] = output of layer i


def mse_loss(out, Y):
    diff = np.asarray(out, dtype=float) - np.asarray(Y, dtype=float)
    return 0.5 * float(np.sum(diff ** 2))


def mlp_backward(params, cache, Y):
    layers, hs = _layers(params), cache
    out = hs[-1]
    delta = (out - np.asarray(Y, dtype=float)) * out * (1.0 - out)  # ∂L/∂z of the last layer, (N, d_out)
    grads = []
    for i in reversed(range(len(layers))):
        W, _ = layers[i]
        grads.append((delta.T @ hs[i], delta.sum(axis=0)))
        if i > 0:  # σ'(z) = h(1 − h) with h the output of layer i − 1
            delta = (delta @ W) * hs[i] * (1.0 - hs[i])
    return grads[::-1]
