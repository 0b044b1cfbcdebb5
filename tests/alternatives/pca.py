"""An independent correct pca: the eigen-decomposition of the covariance instead of
the SVD of the data, the sign rule by a loop, scores from the data times the
flipped components, and the reconstruction from the SVD of X_cᵀ."""

import numpy as np


def _mean_and_centred(X):
    data = np.array(X, dtype=float)
    mean = np.sum(data, axis=0) / data.shape[0]
    return mean, data - mean


def _covariance_eigen(Xc):
    """Eigenvalues (descending) and eigenvectors (columns) of the sample covariance."""
    cov = Xc.T @ Xc / (Xc.shape[0] - 1)
    values, vectors = np.linalg.eigh((cov + cov.T) / 2)
    order = np.argsort(values)[::-1]
    return np.clip(values[order], 0.0, None), vectors[:, order]


def pca(X, k):
    _, Xc = _mean_and_centred(X)
    values, vectors = _covariance_eigen(Xc)
    components = vectors[:, :k].T.copy()
    for row in components:
        j = int(np.argmax(np.abs(row)))
        if row[j] < 0:
            row *= -1.0
    return components, values[:k].copy(), Xc @ components.T


def explained_variance_ratio(X):
    _, Xc = _mean_and_centred(X)
    values, _ = _covariance_eigen(Xc)
    kept = values[: min(Xc.shape)]
    return kept / np.sum(kept)


def pca_reconstruct(X, k):
    mean, Xc = _mean_and_centred(X)
    V, _, _ = np.linalg.svd(Xc.T, full_matrices=False)  # Xcᵀ = V Σ Uᵀ: its left vectors are X_c's right ones
    P = V[:, :k] @ V[:, :k].T
    return Xc @ P + mean
