"""An independent correct attention topic, for the test that alternative answers get full marks.

Other valid choices than solutions/attention.py: the caches are tuples
holding only the inputs and A (Q, K, V and O are recomputed in the
backward), the causal mask adds a large negative number instead of −inf,
products are einsums, multi-head loops over the heads (never over T) with
column slices, and a bad head count raises a ValueError subclass.
"""

import numpy as np

NEG = -1e300  # exp(NEG − max) is exactly 0


class HeadCountError(ValueError):
    pass


def _softmax(S):
    E = np.exp(S - S.max(axis=-1, keepdims=True))
    return E / E.sum(axis=-1, keepdims=True)


def _scores(Q, K, causal):
    S = np.einsum("...id,...jd->...ij", Q, K) / np.sqrt(Q.shape[-1])
    if causal:
        T = S.shape[-1]
        S = S + np.where(np.arange(T)[None, :] > np.arange(T)[:, None], NEG, 0.0)
    return S


def _head_backward(dO, Q, K, V, A):
    """(dQ, dK, dV) of one head, all rows at once."""
    dV = np.einsum("...ij,...id->...jd", A, dO)
    dA = np.einsum("...id,...jd->...ij", dO, V)
    dS = A * dA - A * np.einsum("...ij,...ij->...i", A, dA)[..., None]
    r = 1.0 / np.sqrt(Q.shape[-1])
    return np.einsum("...ij,...jd->...id", dS, K) * r, np.einsum("...ij,...id->...jd", dS, Q) * r, dV


def attention_forward(H, W_Q, W_K, W_V, W_O, causal=False):
    H, W_Q, W_K, W_V, W_O = (np.array(M, dtype=float) for M in (H, W_Q, W_K, W_V, W_O))
    A = _softmax(_scores(H @ W_Q, H @ W_K, causal))
    out = H + np.einsum("ij,jd,de->ie", A, H @ W_V, W_O)
    return out, (H, W_Q, W_K, W_V, W_O, A)


def attention_backward(dout, cache):
    H, W_Q, W_K, W_V, W_O, A = cache
    G = np.asarray(dout, dtype=float)
    V = H @ W_V
    dO = G @ W_O.T
    dQ, dK, dV = _head_backward(dO, H @ W_Q, H @ W_K, V, A)
    return {
        "W_O": (A @ V).T @ G,
        "W_V": H.T @ dV,
        "W_K": H.T @ dK,
        "W_Q": H.T @ dQ,
        "H": G + dQ @ W_Q.T + dK @ W_K.T + dV @ W_V.T,
    }


def _columns(d, n_heads):
    if n_heads <= 0 or d % n_heads != 0:
        raise HeadCountError(f"n_heads = {n_heads} does not divide d = {d}")
    w = d // n_heads
    return [slice(h * w, (h + 1) * w) for h in range(n_heads)]


def mha_forward(X, params, n_heads, causal=False):
    X = np.array(X, dtype=float)
    W = tuple(np.array(params[k], dtype=float) for k in ("W_Q", "W_K", "W_V", "W_O"))
    cols = _columns(X.shape[-1], n_heads)
    Q, K, V = (X @ M for M in W[:3])
    As = tuple(_softmax(_scores(Q[..., c], K[..., c], causal)) for c in cols)
    C = np.concatenate([A @ V[..., c] for A, c in zip(As, cols)], axis=-1)
    return C @ W[3] + X, (X, W, n_heads, As)


def mha_backward(dout, cache):
    X, (W_Q, W_K, W_V, W_O), n_heads, As = cache
    G = np.asarray(dout, dtype=float)
    Q, K, V = X @ W_Q, X @ W_K, X @ W_V
    dC = G @ W_O.T
    dQ, dK, dV = np.zeros_like(Q), np.zeros_like(K), np.zeros_like(V)
    C = np.zeros_like(V)
    for A, c in zip(As, _columns(X.shape[-1], n_heads)):
        C[..., c] = A @ V[..., c]
        dQ[..., c], dK[..., c], dV[..., c] = _head_backward(dC[..., c], Q[..., c], K[..., c], V[..., c], A)

    def summed(a, b):  # Σ over batch and positions of a[t]ᵀ b[t]
        return np.einsum("bti,btj->ij", a, b)

    return {
        "X": G + dQ @ W_Q.T + dK @ W_K.T + dV @ W_V.T,
        "W_Q": summed(X, dQ),
        "W_K": summed(X, dK),
        "W_V": summed(X, dV),
        "W_O": summed(C, G),
    }
