"""Topic 8 — Softmax, its Jacobian, cross-entropy (lecture §3.12).

Softmax turns a vector of scores (logits) into probabilities; its Jacobian
diag(s) − s sᵀ is what every classifier and every attention layer
backpropagates through, and with cross-entropy on top the gradient collapses
to s − y. The catch is floating point: exp(1000) overflows, so every function
here must stay exact for logits as large as ±1e4 — without a single NaN, inf
or numpy RuntimeWarning (a warning counts as a failure, even when the result
happens to come out right).

Check your work with `grader check softmax`; stuck? `grader hint softmax`.
"""

import numpy as np


def softmax(z, axis=-1):
    """Softmax along one axis: sᵢ = exp(zᵢ) / Σⱼ exp(zⱼ).

    Math: softmax(z) = softmax(z − c) for any constant c, so shift each slice
    by its own maximum before exponentiating: then every exponent is ≤ 0 and
    nothing overflows.

    Args:
        z: array-like of any shape (1-D, 2-D, 3-D, …); integers allowed.
        axis: the axis that is normalised (default: the last one).

    Returns:
        a float array of the same shape as z, every entry in [0, 1], summing
        to 1 along `axis`. Exact for |z| up to 1e4 (e.g. z = [1000, 0] gives
        [1, exp(−1000)] without a warning); equal logits get equal
        probabilities.

    Forbidden: nothing.
    """
    raise NotImplementedError("softmax is not written yet")


def logsumexp(z, axis=-1):
    """log Σᵢ exp(zᵢ) along one axis, without overflow or underflow.

    Math: logsumexp(z) = m + log Σᵢ exp(zᵢ − m) with m = max(z) along `axis`.

    Args:
        z: array-like of any shape; integers allowed.
        axis: the axis that is summed over (default: the last one).

    Returns:
        the shape of z with `axis` removed (like np.sum(z, axis=axis)); a float
        for 1-D z. Exact for |z| up to 1e4: logsumexp([1e4, 1e4]) is
        1e4 + log 2, logsumexp([-1e4, -1e4]) is −1e4 + log 2.

    Forbidden: nothing.
    """
    raise NotImplementedError("logsumexp is not written yet")


def log_softmax(z, axis=-1):
    """log(softmax(z)) along one axis, computed without taking log of a softmax.

    Math: log softmax(z)ᵢ = zᵢ − logsumexp(z). Taking np.log of a computed
    softmax fails for very negative logits: their probability underflows to
    0 and log(0) = −inf.

    Args:
        z: array-like of any shape; integers allowed.
        axis: the axis that is normalised (default: the last one).

    Returns:
        a float array of the same shape as z, every entry ≤ 0; exact for |z|
        up to 1e4 (log_softmax([1e4, −1e4]) is [0, −2e4], not [0, −inf]).

    Forbidden: nothing.
    """
    raise NotImplementedError("log_softmax is not written yet")


def softmax_jacobian(z):
    """The Jacobian of softmax at a 1-D z: J = diag(s) − s sᵀ with s = softmax(z).

    Math: ∂sᵢ/∂zⱼ = sᵢ (δᵢⱼ − sⱼ). J is symmetric and each row sums to 0
    (the probabilities always sum to 1, so no direction of z changes that sum).

    Args:
        z: array-like of shape (n,); integers allowed; exact for |z| up to 1e4.

    Returns:
        a float array of shape (n, n), J[i, j] = ∂sᵢ/∂zⱼ.

    Forbidden: nothing.
    """
    raise NotImplementedError("softmax_jacobian is not written yet")


def softmax_backward(s, g, axis=-1):
    """Backpropagate through softmax: the vector–Jacobian product, without the Jacobian.

    Math: if s = softmax(z) along `axis` and g = ∂L/∂s, then ∂L/∂z = Jᵀg for
    every slice, which simplifies to s ⊙ (g − Σ g⊙s) with the sum taken along
    `axis` (one number per slice). Building the n×n Jacobian costs n² memory
    per slice; the formula costs n.

    Args:
        s: the softmax output, an array of any shape (each slice along `axis`
           sums to 1).
        g: the upstream gradient ∂L/∂s, same shape as s; integers allowed.
        axis: the axis softmax normalised over (default: the last one).

    Returns:
        ∂L/∂z, a float array of the same shape as s.

    Forbidden: nothing.
    """
    raise NotImplementedError("softmax_backward is not written yet")


def cross_entropy(logits, labels):
    """Mean cross-entropy of a batch: L = −(1/N) Σₙ log softmax(logitsₙ)[labelsₙ].

    Math: the negative log-likelihood of the true class, averaged (not summed)
    over the N samples; use log_softmax, so logits of ±1e4 stay finite.

    Args:
        logits: array-like of shape (N, C), one row of class scores per sample.
        labels: integer array-like of shape (N,), each in 0 … C−1.

    Returns:
        L as a Python float (N = 1 works too).

    Forbidden: nothing.
    """
    raise NotImplementedError("cross_entropy is not written yet")


def cross_entropy_grad(logits, labels):
    """The gradient of cross_entropy with respect to the logits: (softmax(logits) − Y)/N.

    Math: Y is the one-hot matrix of the labels (Y[n, labelsₙ] = 1); the 1/N
    comes from the mean in cross_entropy. Each row sums to 0.

    Args:
        logits: array-like of shape (N, C).
        labels: integer array-like of shape (N,), each in 0 … C−1.

    Returns:
        a float array of shape (N, C); stable for logits up to ±1e4.

    Forbidden: nothing.
    """
    raise NotImplementedError("cross_entropy_grad is not written yet")
