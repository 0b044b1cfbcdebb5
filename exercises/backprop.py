"""Topic 9 — An MLP by hand (lecture §3.9).

A multilayer perceptron is a chain of layers h = sigmoid(h_prev @ Wᵀ + b).
Backpropagation is the chain rule applied from the loss back to the input,
one layer at a time: an error signal δ (the gradient of the loss with respect
to a layer's pre-activation z) gives that layer's gradients dW and db, and is
sent back through W to become the δ of the layer before. Here you write the
whole loop for a sigmoid network of any depth, for a batch of N samples at
once, and the grader checks every gradient against finite differences.

Check your work with `grader check backprop`; stuck? `grader hint backprop`.
"""

import numpy as np


def sigmoid(x):
    """The logistic function σ(x) = 1 / (1 + exp(−x)), elementwise and numerically stable.

    Math: σ(x) = 1/(1 + e) for x ≥ 0 and e/(1 + e) for x < 0, with e = exp(−|x|);
    both forms are the same function, but only exp of a non-positive number
    never overflows.

    Args:
        x: a number or an array-like of any shape; integers allowed.

    Returns:
        a float array of the shape of x (a float or 0-d array for a number),
        every entry in [0, 1]. Stable for |x| up to 1e3 and beyond: σ(1000) = 1,
        σ(−1000) = 0, and no numpy RuntimeWarning (overflow in exp) — a warning
        counts as a failure even when the result comes out right. Beware
        np.where(cond, a, b): it computes both a and b on every entry.

    Forbidden: nothing.
    """
    raise NotImplementedError("sigmoid is not written yet")


def mlp_forward(params, X):
    """The forward pass of a sigmoid MLP, keeping what the backward pass needs.

    Math: h₀ = X, then for each layer (W, b) in order
    h = sigmoid(h_prev @ W.T + b); out is the last h.

    Args:
        params: a list of (W, b) pairs, one per layer, first layer first;
            W of shape (d_out, d_in), b of shape (d_out,); each layer's d_in is
            the previous layer's d_out. Arrays or nested lists (integers allowed).
        X: array-like of shape (N, d_in) of the first layer: N samples, one per row.

    Returns:
        (out, cache): out is a float array of shape (N, d_out) of the last
        layer; cache is yours — whatever mlp_backward needs (typically the
        activations, or the pre-activations z, of every layer). The grader
        hands it back to mlp_backward unchanged, but it travels through the
        grader as data: it must be plain data — numpy arrays, numbers, and
        lists, tuples or dicts (with str keys) of them. Anything else (an
        object of your own, a function) makes this call fail as a wrong type.
        Leave params and X unchanged.

    Forbidden: nothing.
    """
    raise NotImplementedError("mlp_forward is not written yet")


def mse_loss(out, Y):
    """The squared-error loss L = 0.5 · Σ (out − Y)², summed over every entry.

    Math: the sum over all N samples and all outputs — not the mean. The 0.5
    makes ∂L/∂out = out − Y.

    Args:
        out: array-like of shape (N, d), the network's output.
        Y: array-like of the same shape, the targets; integers allowed.

    Returns:
        the loss as a float (a Python float; a numpy float is accepted).

    Forbidden: nothing.
    """
    raise NotImplementedError("mse_loss is not written yet")


def mlp_backward(params, cache, Y):
    """The gradients of mse_loss(mlp_forward(params, X)[0], Y) with respect to every W and b.

    Math: with z = h_prev @ W.T + b and h = σ(z) in each layer, the error
    signal of the last layer is δ = (out − Y) ⊙ σ'(z), where σ'(z) = h ⊙ (1 − h).
    A layer's gradients are dW = δᵀ @ h_prev (shape of W) and db = δ summed
    over the N samples (shape of b: the loss sums over the batch, so its
    gradient does too). The δ of the layer before is (δ @ W) ⊙ h_prev ⊙ (1 − h_prev).

    Args:
        params: the same list of (W, b) pairs that went into mlp_forward.
        cache: exactly what your mlp_forward returned as its cache.
        Y: array-like of shape (N, d_out) of the last layer, the targets.

    Returns:
        grads: a list of (dW, db) pairs in the order of params (layer 0 first),
        dW a float array of the shape of W, db of the shape of b. Leave
        params, Y and the cache unchanged (work on copies, e.g. do not pop
        activations off the cache list).

    Forbidden: nothing.
    """
    raise NotImplementedError("mlp_backward is not written yet")
