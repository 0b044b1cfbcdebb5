"""Topic 4 — PCA through the SVD (lecture §3.5).

Principal component analysis looks for the directions along which a cloud of
n points in d dimensions spreads the most. Centre the data, take its SVD
X_c = U Σ Vᵀ, and the answer is in the factors: the rows of Vᵀ are the
directions, σᵢ²/(n − 1) the variance along them, and keeping the first k of
them gives the best rank-k reconstruction (Eckart–Young) — maximising the
variance and minimising the reconstruction error are the same problem.

Check your work with `grader check pca`; stuck? `grader hint pca`.
"""

import numpy as np


def pca(X, k):
    """The top-k principal components of the rows of X, their variances and the scores.

    Math: X_c = X − mean(X, axis=0) (every column centred), X_c = U Σ Vᵀ (economy
    SVD, σ₁ ≥ σ₂ ≥ …). The components are the first k right singular vectors
    (rows of Vᵀ); the variance of the data along component i is σᵢ²/(n − 1),
    the eigenvalue of the sample covariance X_cᵀX_c/(n − 1); the scores are
    the coordinates of the centred points along the components,
    scores = X_c @ componentsᵀ.

    Sign rule: a singular vector is only fixed up to its sign, so flip each
    component so that its entry of largest magnitude is positive.

    Args:
        X: array-like of shape (n, d), n ≥ 2, one data point per row; integers
            allowed.
        k: int, 1 ≤ k ≤ min(n, d).

    Returns:
        (components, explained_variance, scores): float arrays of shapes
        (k, d) — one component per ROW, unit length, mutually orthogonal —,
        (k,) in descending order, and (n, k).

    Forbidden: nothing.
    """
    raise NotImplementedError("pca is not written yet")


def explained_variance_ratio(X):
    """The share of the total variance that each principal direction explains.

    Math: with σᵢ the singular values of the centred X_c, ratio_i =
    σᵢ² / Σⱼ σⱼ² (the (n − 1) cancels). The ratios are descending and sum to 1.

    Args:
        X: array-like of shape (n, d), n ≥ 2, not all rows equal.

    Returns:
        float array of shape (min(n, d),). Centring removes one dimension, so
        when n ≤ d the last ratio is 0 (up to rounding).

    Forbidden: nothing.
    """
    raise NotImplementedError("explained_variance_ratio is not written yet")


def pca_reconstruct(X, k):
    """The rank-k PCA reconstruction of X, in the original coordinates.

    Math: project the centred data onto the top-k components and map it back,
    X_hat = X_c Vₖᵀ Vₖ + mean(X, axis=0), where Vₖ (k, d) holds the
    components. This is the best approximation of X by points on a
    k-dimensional affine subspace; with k = min(n, d) it is X itself.

    Args:
        X: array-like of shape (n, d), n ≥ 2; integers allowed.
        k: int, 1 ≤ k ≤ min(n, d).

    Returns:
        float array of shape (n, d).

    Forbidden: nothing.
    """
    raise NotImplementedError("pca_reconstruct is not written yet")
