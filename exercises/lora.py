"""Topic 13 — Low-rank adaptation as an Eckart–Young application (lecture §2.4, §3.2).

LoRA fine-tunes a large model without touching its weights: a frozen matrix
W (d_out × d_in) gets a trainable low-rank update B A, with B (d_out × r) and
A (r × d_in) for a small rank r, so a layer computes y = x Wᵀ + (alpha/r)·x Aᵀ Bᵀ
and training updates r·(d_in + d_out) numbers instead of d_out·d_in. Here you
write the layer's forward and backward pass, count its parameters, and use
Eckart–Young to find the best rank-r adapter for a given full update ΔW.

Check your work with `grader check lora`; stuck? `grader hint lora`.
"""

import numpy as np


def lora_forward(x, W, A, B, alpha):
    """A linear layer with a LoRA adapter.

    Math: y = x Wᵀ + (alpha/r) · x Aᵀ Bᵀ, where the rank r is A.shape[0].
    Compute the adapter path as (x Aᵀ) Bᵀ — an (N, r) intermediate — rather
    than forming the full d_out × d_in matrix B A.

    Args:
        x: array-like (N, d_in), one input per row.
        W: array-like (d_out, d_in), the frozen weights.
        A: array-like (r, d_in), the adapter's down-projection.
        B: array-like (d_out, r), the adapter's up-projection.
        alpha: float, the LoRA scaling constant (the update is scaled by alpha/r).
        Integers are allowed everywhere.

    Returns:
        y: float array of shape (N, d_out).

    Forbidden: nothing.
    """
    raise NotImplementedError("lora_forward is not written yet")


def lora_backward(dy, x, W, A, B, alpha):
    """The gradients of the LoRA layer for an upstream gradient dy.

    Math: for a loss L with ∂L/∂y = dy (N, d_out) and y = lora_forward(x, W, A,
    B, alpha), return ∂L/∂A, ∂L/∂B and ∂L/∂x. Let c = alpha/r and h = x Aᵀ.
    The adapter's gradients come from the chain rule through h; ∂L/∂x collects
    BOTH paths, the frozen x Wᵀ and the adapter's. W is frozen: it gets no
    gradient, and the dict must not hold a "W" entry (computing one would cost
    the d_out × d_in work LoRA exists to avoid).

    Args:
        dy: array-like (N, d_out); x, W, A, B, alpha as in lora_forward.

    Returns:
        dict with keys "A", "B", "x" holding float arrays of the shapes of
        A (r, d_in), B (d_out, r) and x (N, d_in). Extra keys are allowed,
        except "W".

    Forbidden: nothing.
    """
    raise NotImplementedError("lora_backward is not written yet")


def lora_from_delta(delta_W, r):
    """The best rank-r LoRA adapter for a full weight update ΔW, with balanced factors.

    Math: with the SVD ΔW = U Σ Vᵀ, Eckart–Young says the best rank-r
    approximation is U_r Σ_r V_rᵀ (the r largest singular triplets, in
    descending order as np.linalg.svd returns them). Split Σ_r evenly
    between the two factors: B = U_r Σ_r^{1/2}, A = Σ_r^{1/2} V_rᵀ, so that
    B A is that approximation and BᵀB = A Aᵀ = Σ_r (balanced). The sign of
    each singular pair (uᵢ, vᵢ) is yours to choose.

    Args:
        delta_W: array-like (d_out, d_in); integers allowed.
        r: int, 1 ≤ r ≤ min(d_out, d_in).

    Returns:
        (A, B): float arrays of shapes (r, d_in) and (d_out, r) — A first, as
        in the layer's x Aᵀ Bᵀ.

    Forbidden: nothing.
    """
    raise NotImplementedError("lora_from_delta is not written yet")


def lora_param_count(d_out, d_in, r):
    """The number of trainable parameters of a rank-r adapter on a d_out × d_in layer.

    Math: A holds r·d_in numbers and B holds d_out·r; the frozen W is not
    trained, so the count is r·(d_in + d_out).

    Args:
        d_out, d_in, r: positive ints.

    Returns:
        int.

    Forbidden: nothing.
    """
    raise NotImplementedError("lora_param_count is not written yet")
