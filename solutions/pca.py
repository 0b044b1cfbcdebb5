"""Reference solution: pca (lecture §3.5)."""

import numpy as np


def _centred(X):
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=0)
    return X - mean, mean


def _with_sign_rule(Vt):
    """Flip each row so that its entry of largest magnitude is positive."""
    pivots = Vt[np.arange(Vt.shape[0]), np.argmax(np.abs(Vt), axis=1)]
    return Vt * np.where(pivots < 0, -1.0, 1.0)[:, None]


def pca(X, k):
    Xc, _ = _centred(X)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    components = _with_sign_rule(Vt[:k])
    explained_variance = s[:k] ** 2 / (Xc.shape[0] - 1)
    return components, explained_variance, Xc @ components.T


def explained_variance_ratio(X):
    Xc, _ = _centred(X)
    variance = np.linalg.svd(Xc, compute_uv=False) ** 2
    return variance / variance.sum()


def pca_reconstruct(X, k):
    Xc, mean = _centred(X)
    _, _, Vt = np.linalg.svd(Xc, full_matrices=False)
    Vk = Vt[:k]
    return (Xc @ Vk.T) @ Vk + mean
