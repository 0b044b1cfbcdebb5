"""Topic 12 — The boss battle: attention backward (lecture §3.14).

One attention layer with a residual connection, forward and backward, built
from the rules of matrix calculus alone: for Y = X·W, dX = dY·Wᵀ and
dW = Xᵀ·dY; and softmax, which mixes a whole row, has the Jacobian
diag(a) − a·aᵀ per row. Then the same for a batch and several heads.

Shapes: T positions (tokens), model width d, query/key width d_k, value
width d_v. Every gradient has exactly the shape of the thing it belongs to,
and is the gradient of a scalar loss L whose gradient with respect to `out`
is `dout`.

The `cache` is yours: the forward pass returns whatever your backward pass
needs, and the grader hands it back to your backward pass with the same
content (a list arrives as a tuple). It travels to the grader and back as
plain data, so build it from numpy arrays, Python numbers, bools and
strings, and tuples, lists or str-keyed dicts of them — nothing else (no
objects of your own, no functions). A forward pass whose cache is not plain
data counts as a wrong answer.

Check your work with `grader check attention`; stuck? `grader hint attention`.
"""

import numpy as np


def attention_forward(H, W_Q, W_K, W_V, W_O, causal=False):
    """One single-head attention layer with a residual connection.

    Math:
        Q = H·W_Q, K = H·W_K, V = H·W_V
        S = Q·Kᵀ / √d_k                       (T, T): how well query i matches key j
        causal=True: S[i, j] = −∞ for j > i   (position i sees only positions ≤ i)
        A = softmax(S) along each row          (rows sum to 1)
        out = A·V·W_O + H
    Shift each row of S by its maximum before exp: scores of ±1000 must not
    overflow.

    Args:
        H: array-like (T, d), T ≥ 1; integers allowed.
        W_Q, W_K: array-like (d, d_k).  W_V: array-like (d, d_v).  W_O: array-like (d_v, d).
        causal: bool.

    Returns:
        (out, cache): out a float array (T, d); cache whatever attention_backward
        needs, as plain data only (numpy arrays, numbers, and tuples/lists/
        str-keyed dicts of them) — it crosses to the grader and back unchanged.

    Forbidden: nothing.
    """
    raise NotImplementedError("attention_forward is not written yet")


def attention_backward(dout, cache):
    """All gradients of the layer, given dout = ∂L/∂out.

    Math (backwards through the forward pass of attention_forward):
        dW_O = (A·V)ᵀ·dout, dO = dout·W_Oᵀ
        dV = Aᵀ·dO, dA = dO·Vᵀ
        dS = softmax backward of each row: for a row a of A and its da,
             ds = (diag(a) − a·aᵀ)·da = a ⊙ (da − a·da)
        dQ = dS·K/√d_k, dK = dSᵀ·Q/√d_k
        dW_Q = Hᵀ·dQ, dW_K = Hᵀ·dK, dW_V = Hᵀ·dV
        dH = dout (the residual) + dQ·W_Qᵀ + dK·W_Kᵀ + dV·W_Vᵀ
    With causal=True the masked positions (j > i) must get no gradient.
    Vectorised: no Python loop over the T positions (the grader times a long
    sequence and counts the lines your backward runs).

    Args:
        dout: array-like (T, d).
        cache: the cache your attention_forward returned, unchanged.

    Returns:
        dict with float arrays under the keys "H" (T, d), "W_Q" (d, d_k),
        "W_K" (d, d_k), "W_V" (d, d_v), "W_O" (d_v, d): the gradient of L
        with respect to each.

    Forbidden: nothing.
    """
    raise NotImplementedError("attention_backward is not written yet")


def mha_forward(X, params, n_heads, causal=False):
    """Multi-head attention with a residual connection, over a batch.

    Math, for every sequence b of the batch:
        Q = X[b]·W_Q, K = X[b]·W_K, V = X[b]·W_V     (T, d) each
        head h uses the consecutive columns h·d_h … (h+1)·d_h − 1 of Q, K and V,
        d_h = d / n_heads, and computes O_h = softmax(Q_h·K_hᵀ / √d_h)·V_h
        (causal: S[i, j] = −∞ for j > i, as in attention_forward)
        out[b] = [O_1 | O_2 | … | O_n_heads]·W_O + X[b]
    Note the scale 1/√d_h of a head, not 1/√d.

    Args:
        X: array-like (B, T, d); integers allowed.
        params: dict with the keys "W_Q", "W_K", "W_V", "W_O", each array-like (d, d).
        n_heads: int ≥ 1 that divides d.
        causal: bool.

    Returns:
        (out, cache): out a float array (B, T, d); cache as plain data only
        (see attention_forward).

    Raises:
        ValueError: when d is not divisible by n_heads.

    Forbidden: nothing.
    """
    raise NotImplementedError("mha_forward is not written yet")


def mha_backward(dout, cache):
    """All gradients of the multi-head layer, given dout = ∂L/∂out.

    Math: each head is the single-head backward of attention_backward (with
    its own scale 1/√d_h); the heads' dQ_h, dK_h, dV_h go back into the
    columns they came from, and the weight gradients sum over the batch and
    the positions: dW_Q = Σ_b X[b]ᵀ·dQ[b], and so on. dX includes the residual.

    Args:
        dout: array-like (B, T, d).
        cache: the cache your mha_forward returned, unchanged.

    Returns:
        dict with float arrays under the keys "X" (B, T, d) and "W_Q", "W_K",
        "W_V", "W_O" (d, d each).

    Forbidden: nothing.
    """
    raise NotImplementedError("mha_backward is not written yet")
