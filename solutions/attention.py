"""Reference solution: attention (lecture §3.14)."""

import numpy as np


def _softmax_rows(S):
    """Softmax along the last axis, shifted by the row maximum so exp cannot overflow."""
    E = np.exp(S - np.max(S, axis=-1, keepdims=True))
    return E / np.sum(E, axis=-1, keepdims=True)


def _swap(M):
    return np.swapaxes(M, -1, -2)


def _attend(Q, K, V, causal, scale):
    """Scaled dot-product attention on stacks (..., T, ·): returns (A V, A)."""
    S = Q @ _swap(K) * scale
    if causal:
        T = S.shape[-1]
        S = np.where(np.triu(np.ones((T, T), dtype=bool), k=1), -np.inf, S)  # the diagonal stays: rows never empty
    A = _softmax_rows(S)
    return A @ V, A


def _attend_backward(dO, Q, K, V, A, scale):
    """(dQ, dK, dV) of O = softmax(Q Kᵀ · scale) V; masked entries have A = 0, so they pass no gradient."""
    dA = dO @ _swap(V)
    dV = _swap(A) @ dO
    dS = A * (dA - np.sum(dA * A, axis=-1, keepdims=True))  # row-wise (diag(a) − a aᵀ) dA, without the T×T Jacobians
    return dS @ K * scale, _swap(dS) @ Q * scale, dV


def attention_forward(H, W_Q, W_K, W_V, W_O, causal=False):
    H, W_Q, W_K, W_V, W_O = (np.asarray(M, dtype=float) for M in (H, W_Q, W_K, W_V, W_O))
    Q, K, V = H @ W_Q, H @ W_K, H @ W_V
    O, A = _attend(Q, K, V, causal, 1.0 / np.sqrt(W_Q.shape[1]))
    cache = {"H": H, "W_Q": W_Q, "W_K": W_K, "W_V": W_V, "W_O": W_O, "Q": Q, "K": K, "V": V, "A": A, "O": O}
    return O @ W_O + H, cache


def attention_backward(dout, cache):
    dout = np.asarray(dout, dtype=float)
    H, W_Q, W_K, W_V, W_O = (cache[k] for k in ("H", "W_Q", "W_K", "W_V", "W_O"))
    scale = 1.0 / np.sqrt(W_Q.shape[1])
    dQ, dK, dV = _attend_backward(dout @ W_O.T, cache["Q"], cache["K"], cache["V"], cache["A"], scale)
    return {
        "H": dout + dQ @ W_Q.T + dK @ W_K.T + dV @ W_V.T,  # the residual plus the three paths into H
        "W_Q": H.T @ dQ,
        "W_K": H.T @ dK,
        "W_V": H.T @ dV,
        "W_O": cache["O"].T @ dout,
    }


def _split_heads(M, n_heads):
    """(B, T, d) -> (B, n_heads, T, d_h): head h holds columns h·d_h … (h+1)·d_h − 1."""
    B, T, d = M.shape
    return M.reshape(B, T, n_heads, d // n_heads).transpose(0, 2, 1, 3)


def _merge_heads(M):
    """(B, n_heads, T, d_h) -> (B, T, n_heads·d_h), the inverse of _split_heads."""
    B, n_heads, T, d_h = M.shape
    return M.transpose(0, 2, 1, 3).reshape(B, T, n_heads * d_h)


def mha_forward(X, params, n_heads, causal=False):
    X = np.asarray(X, dtype=float)
    W = {k: np.asarray(params[k], dtype=float) for k in ("W_Q", "W_K", "W_V", "W_O")}
    d = X.shape[-1]
    if n_heads < 1 or d % n_heads:
        raise ValueError(f"d = {d} is not divisible by n_heads = {n_heads}")
    scale = 1.0 / np.sqrt(d // n_heads)  # a head's width d_h, not d
    Q, K, V = (_split_heads(X @ W[k], n_heads) for k in ("W_Q", "W_K", "W_V"))
    O, A = _attend(Q, K, V, causal, scale)
    C = _merge_heads(O)
    cache = {"X": X, **W, "Q": Q, "K": K, "V": V, "A": A, "C": C, "scale": scale}
    return C @ W["W_O"] + X, cache


def mha_backward(dout, cache):
    dout = np.asarray(dout, dtype=float)
    X, C, Q = cache["X"], cache["C"], cache["Q"]
    d = X.shape[-1]
    dQ, dK, dV = (_merge_heads(g) for g in _attend_backward(
        _split_heads(dout @ cache["W_O"].T, Q.shape[1]), Q, cache["K"], cache["V"], cache["A"], cache["scale"]))
    X2 = X.reshape(-1, d)  # every (batch, position) row shares the weights: sum over both
    grads = {k: X2.T @ g.reshape(-1, d) for k, g in (("W_Q", dQ), ("W_K", dK), ("W_V", dV))}
    grads["W_O"] = C.reshape(-1, d).T @ dout.reshape(-1, d)
    grads["X"] = dout + dQ @ cache["W_Q"].T + dK @ cache["W_K"].T + dV @ cache["W_V"].T
    return grads
