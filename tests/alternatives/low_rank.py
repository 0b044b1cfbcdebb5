"""An independent correct low_rank (not a copy of solutions/low_rank.py).

Other valid choices: the SVD of Aᵀ with every singular pair's signs flipped,
A_k as a sum of outer products, the errors of verify_eckart_young from the
singular values of A − A_k, the energy from s/‖s‖, the count by a scan.
"""

import numpy as np


def _triplets(A):
    """U, s, Vt of A from the SVD of Aᵀ, each pair (uᵢ, vᵢ) with its sign flipped."""
    P, s, Qt = np.linalg.svd(np.asarray(A, dtype=float).T, full_matrices=False)
    return -Qt.T, s, -P.T


def rank_k_approx(A, k):
    U, s, Vt = _triplets(A)
    A_k = np.zeros((U.shape[0], Vt.shape[1]))
    for i in range(k):
        A_k += s[i] * np.outer(U[:, i], Vt[i])
    return A_k


def eckart_young_bound(s, k, ord="fro"):
    s = np.asarray(s, dtype=float)
    if ord == "fro":
        return float(np.linalg.norm(s[k:])) if k < len(s) else 0.0
    if ord == 2:
        return float(s[k]) if k < len(s) else 0.0
    raise ValueError("ord is 'fro' or 2")


def verify_eckart_young(A, k):
    A = np.asarray(A, dtype=float)
    s = np.linalg.svd(A, compute_uv=False)
    left = np.linalg.svd(A - rank_k_approx(A, k), compute_uv=False)
    return {
        "fro_error": float(np.sqrt(np.sum(left**2))),
        "spectral_error": float(left.max()),
        "fro_bound": eckart_young_bound(s, k, "fro"),
        "spectral_bound": eckart_young_bound(s, k, 2),
    }


def cumulative_energy(s):
    s = np.asarray(s, dtype=float)
    p = (s / np.linalg.norm(s)) ** 2
    return np.cumsum(p) / p.sum()


def rank_for_energy(s, threshold):
    energy = cumulative_energy(s)
    for count, e in enumerate(energy, start=1):
        if e >= threshold:
            return count
    return len(energy)


def compression_ratio(m, n, k):
    return (k * m + k * n + k) / (m * n)


def fill_and_predict(R, mask, k):
    R = np.asarray(R, dtype=float)
    known = np.asarray(mask, dtype=bool)
    mu = R[known].sum() / known.sum()
    filled = R.copy()
    filled[~known] = mu
    return rank_k_approx(filled, k)
