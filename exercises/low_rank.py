"""Topic 2 — Truncated SVD and the Eckart–Young theorem (lecture §0, §1.2, §3.2, §3.3).

Keep the k largest singular triplets of A and drop the rest: A_k = U_k Σ_k V_kᵀ.
No matrix of rank ≤ k comes closer to A, in the Frobenius norm or in the
spectral norm (Eckart–Young–Mirsky), and the error it leaves is told by the
dropped singular values alone. Their squares are the "energy" of A: when they
decay fast, a few triplets store almost all of an image (§0) or predict the
missing ratings of a recommender (§3.3).

Check your work with `grader check low_rank`; stuck? `grader hint low_rank`.
"""

import numpy as np


def rank_k_approx(A, k):
    """The best rank-k approximation of A: its truncated SVD.

    Math: with A = U · diag(s) · Vt (s descending), A_k = Σ_{i<k} s[i] · U[:, i] · Vt[i, :]
    = U[:, :k] · diag(s[:k]) · Vt[:k, :] keeps the k largest singular triplets.

    Args:
        A: array-like of shape (m, n); integers allowed.
        k: int with 0 ≤ k ≤ min(m, n).

    Returns:
        A_k: float array of shape (m, n) and rank ≤ k. k = 0 gives the zero
        matrix; k = min(m, n) gives A itself (up to rounding).

    Forbidden: nothing.
    """
    raise NotImplementedError("rank_k_approx is not written yet")


def eckart_young_bound(s, k, ord="fro"):
    """The smallest error any rank-k matrix can reach, from the singular values alone.

    Math (Eckart–Young–Mirsky, σ₁ ≥ σ₂ ≥ … ≥ σᵣ are s[0], s[1], … in Python):
        ord="fro":  min ‖A − B‖_F over rank(B) ≤ k  =  √(σ²ₖ₊₁ + … + σ²ᵣ) = √Σ s[k:]²
        ord=2:      min ‖A − B‖₂  over rank(B) ≤ k  =  σₖ₊₁ = s[k]
    Nothing is dropped when k ≥ len(s): both bounds are then 0.0.

    Args:
        s: array-like of singular values in descending order, shape (r,); integers allowed.
        k: int with 0 ≤ k ≤ len(s).
        ord: "fro" (the default) or 2.

    Returns:
        The bound as a float.

    Forbidden: nothing.
    """
    raise NotImplementedError("eckart_young_bound is not written yet")


def verify_eckart_young(A, k):
    """Measure what rank_k_approx(A, k) achieves and compare it with the theory.

    Math: with A_k = rank_k_approx(A, k) and s the singular values of A,
        "fro_error"      = ‖A − A_k‖_F      "fro_bound"      = eckart_young_bound(s, k, "fro")
        "spectral_error" = ‖A − A_k‖₂       "spectral_bound" = eckart_young_bound(s, k, 2)
    (‖M‖₂ is the spectral norm, the largest singular value of M.) The theorem
    says each error equals its bound, up to rounding.

    Args:
        A: array-like of shape (m, n); integers allowed.
        k: int with 0 ≤ k ≤ min(m, n).

    Returns:
        A dict with (at least) the four keys above, each a float.

    Forbidden: nothing.
    """
    raise NotImplementedError("verify_eckart_young is not written yet")


def cumulative_energy(s):
    """The fraction of the energy of A held by its first 1, 2, … singular values.

    Math: energy[i] = (σ₁² + … + σᵢ₊₁²) / (σ₁² + … + σᵣ²), i.e. cumsum(s²) / Σ s².
    Non-decreasing, and the last entry is 1.

    Args:
        s: array-like of singular values (≥ 0, not all zero), shape (r,); integers allowed.

    Returns:
        energy: float array of shape (r,).

    Forbidden: nothing.
    """
    raise NotImplementedError("cumulative_energy is not written yet")


def rank_for_energy(s, threshold):
    """How many singular values it takes to keep a given fraction of the energy.

    Math: the smallest count k ≥ 1 with cumulative_energy(s)[k − 1] ≥ threshold.
    It is a count, not an index: energy[0] ≥ threshold means k = 1. If
    rounding keeps even the last energy below the threshold, the answer is len(s).

    Args:
        s: array-like of singular values (≥ 0, not all zero), shape (r,); integers allowed.
        threshold: float with 0 < threshold ≤ 1.

    Returns:
        k as an int, 1 ≤ k ≤ len(s).

    Forbidden: nothing.
    """
    raise NotImplementedError("rank_for_energy is not written yet")


def compression_ratio(m, n, k):
    """Storage of a rank-k factorisation relative to the full m×n matrix.

    Math: U_k holds k·m numbers, Vt_k holds k·n, the singular values k more:
    k(m + n + 1) / (m·n). Above 1 when the factors take more room than the matrix.

    Args:
        m, n: ints ≥ 1, the shape of the matrix.
        k: int ≥ 0, the rank kept.

    Returns:
        The ratio as a float.

    Forbidden: nothing.
    """
    raise NotImplementedError("compression_ratio is not written yet")


def fill_and_predict(R, mask, k):
    """The recommender of §3.3: fill the unknown ratings, then keep the rank-k structure.

    Math: μ = the mean of the known entries R[mask]; F = R with every unknown
    entry (mask False) replaced by μ; the prediction is rank_k_approx(F, k).
    Whatever R holds where mask is False is unknown and must not be used.

    Args:
        R: array-like of shape (m, n); integers allowed.
        mask: bool array of shape (m, n), True where R is known (at least one True).
        k: int with 0 ≤ k ≤ min(m, n).

    Returns:
        R_hat: float array of shape (m, n) and rank ≤ k; k = min(m, n) gives F itself.

    Forbidden: nothing.
    """
    raise NotImplementedError("fill_and_predict is not written yet")
