"""Reference solution: lora (lecture §2.4, §3.2)."""

import numpy as np


def _floats(*arrays):
    return [np.asarray(a, dtype=float) for a in arrays]


def lora_forward(x, W, A, B, alpha):
    x, W, A, B = _floats(x, W, A, B)
    scale = alpha / A.shape[0]
    return x @ W.T + scale * ((x @ A.T) @ B.T)


def lora_backward(dy, x, W, A, B, alpha):
    dy, x, W, A, B = _floats(dy, x, W, A, B)
    scale = alpha / A.shape[0]
    h = x @ A.T                # (N, r), the adapter's bottleneck
    dh = scale * (dy @ B)      # (N, r)
    return {
        "A": dh.T @ x,
        "B": scale * (dy.T @ h),
        "x": dy @ W + dh @ A,  # the frozen path and the adapter path
    }


def lora_from_delta(delta_W, r):
    U, s, Vt = np.linalg.svd(np.asarray(delta_W, dtype=float), full_matrices=False)
    root = np.sqrt(s[:r])
    return root[:, None] * Vt[:r], U[:, :r] * root


def lora_param_count(d_out, d_in, r):
    return int(r * (d_in + d_out))
