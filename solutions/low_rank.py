"""Reference solution: low_rank (lecture §0, §1.2, §3.2, §3.3)."""

import numpy as np


def _norm(x):
    """‖x‖₂ of a vector, scaled first so the squares neither overflow nor underflow."""
    top = np.max(np.abs(x), initial=0.0)
    return float(top * np.sqrt(np.sum((x / top) ** 2))) if top > 0 else 0.0


def rank_k_approx(A, k):
    U, s, Vt = np.linalg.svd(np.asarray(A, dtype=float), full_matrices=False)
    return (U[:, :k] * s[:k]) @ Vt[:k, :]


def eckart_young_bound(s, k, ord="fro"):
    tail = np.asarray(s, dtype=float)[k:]
    if ord == "fro":
        return _norm(tail)
    if ord == 2:
        return float(tail[0]) if tail.size else 0.0
    raise ValueError(f"ord must be 'fro' or 2, not {ord!r}")


def verify_eckart_young(A, k):
    A = np.asarray(A, dtype=float)
    s = np.linalg.svd(A, compute_uv=False)
    E = A - rank_k_approx(A, k)
    return {"fro_error": float(np.linalg.norm(E, "fro")), "fro_bound": eckart_young_bound(s, k),
            "spectral_error": float(np.linalg.norm(E, 2)), "spectral_bound": eckart_young_bound(s, k, ord=2)}


def cumulative_energy(s):
    s = np.asarray(s, dtype=float)
    squares = (s / np.max(np.abs(s))) ** 2  # scaled first: the squares neither overflow nor underflow
    return np.cumsum(squares) / np.sum(squares)


def rank_for_energy(s, threshold):
    energy = cumulative_energy(s)
    first = int(np.searchsorted(energy, threshold, side="left"))  # first index with energy ≥ threshold
    return min(first + 1, len(energy))


def compression_ratio(m, n, k):
    return float(k * (m + n + 1) / (m * n))


def fill_and_predict(R, mask, k):
    R = np.asarray(R, dtype=float)
    mask = np.asarray(mask, dtype=bool)
    filled = np.where(mask, R, np.mean(R[mask]))
    return rank_k_approx(filled, k)
