"""An independent correct lora: the merged weight W + (alpha/r)·B A in the forward and
backward (valid, if not LoRA's cheap way), the factors from the SVD of ΔWᵀ with the signs
of every other singular pair flipped, and the count as the sizes of A and B."""

import numpy as np


def _arrays(*values):
    return tuple(np.array(v, dtype=float) for v in values)


def _merged(W, A, B, alpha):
    return W + (alpha / A.shape[0]) * (B @ A)


def lora_forward(x, W, A, B, alpha):
    x, W, A, B = _arrays(x, W, A, B)
    return x @ _merged(W, A, B, alpha).T


def lora_backward(dy, x, W, A, B, alpha):
    dy, x, W, A, B = _arrays(dy, x, W, A, B)
    c = alpha / A.shape[0]
    dM = dy.T @ x  # the gradient of the merged weight (d_out, d_in)
    return {"x": dy @ _merged(W, A, B, alpha), "B": c * dM @ A.T, "A": c * B.T @ dM}


def lora_from_delta(delta_W, r):
    D = np.array(delta_W, dtype=float)
    V, s, Ut = np.linalg.svd(D.T, full_matrices=False)  # Dᵀ = V Σ Uᵀ, so D = U Σ Vᵀ
    flips = np.where(np.arange(r) % 2 == 1, -1.0, 1.0)
    U_r, V_r = Ut[:r].T * flips, V[:, :r] * flips
    half = np.sqrt(s[:r])
    return (V_r * half).T, U_r * half


def lora_param_count(d_out, d_in, r):
    return int(np.prod((r, d_in))) + int(np.prod((d_out, r)))
