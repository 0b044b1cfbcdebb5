"""Reference solution: svd_basics (lecture §1.1, §3.1)."""

import numpy as np


def _rotation(t):
    c, s = np.cos(t), np.sin(t)
    return np.array([[c, -s], [s, c]])


def svd_2x2(A):
    A = np.asarray(A, dtype=float)
    scale = np.max(np.abs(A))
    if scale == 0.0:
        return np.eye(2), np.zeros(2), np.eye(2)
    (a, b), (c, d) = A / scale  # entries in [-1, 1]: nothing below can overflow or underflow badly
    # A = R(phi) · diag(Q + R, Q − R) · R(theta), the rotation/reflection split of a 2×2 matrix
    E, F, G, H = (a + d) / 2, (a - d) / 2, (c + b) / 2, (c - b) / 2
    Q, R = np.hypot(E, H), np.hypot(F, G)
    a1, a2 = np.arctan2(G, F), np.arctan2(H, E)
    U, Vt = _rotation((a2 + a1) / 2), _rotation((a2 - a1) / 2)
    if Q < R:  # negative second "singular value": move the sign into U
        U[:, 1] = -U[:, 1]
    return U, scale * np.array([Q + R, abs(Q - R)]), Vt


def svd_via_eig(A):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    if m < n:
        U, s, Vt = svd_via_eig(A.T)
        return Vt.T, s, U.T
    lam, V = np.linalg.eigh(A.T @ A)
    lam, V = lam[::-1], V[:, ::-1]
    s = np.sqrt(np.clip(lam, 0.0, None))
    return (A @ V) / s, s, V.T.copy()


def ellipse_axes(A):
    U, s, _ = np.linalg.svd(np.asarray(A, dtype=float))
    return s, U
