"""Inputs for the hidden suites: drawn from the run's seed, or fixed edge cases.

Every random input comes from ``rng(seed, labels...)``, so one seed gives the
same inputs to every test that asks with the same labels (which lets tests
share one cached call), and ``--seed N`` reproduces a run exactly.
"""

from __future__ import annotations

import functools
import zlib

import numpy as np

# name -> (m, n): the shapes every matrix function meets
SHAPES = {"square": (5, 5), "tall": (8, 3), "wide": (3, 7), "row": (1, 6), "column": (6, 1)}


def rng(seed: int, *labels) -> np.random.Generator:
    """``default_rng([seed, crc32(labels)])``, started from a kept copy of its state (seeding costs more)."""
    bits = np.random.PCG64(0)
    bits.state = _state(seed, zlib.crc32("/".join(map(str, labels)).encode()))
    return np.random.Generator(bits)


@functools.lru_cache(maxsize=8192)  # a class's gradings share one seed; a learner's runs each have their own
def _state(seed: int, key: int) -> dict:
    return np.random.default_rng([seed, key]).bit_generator.state


def orthogonal(g: np.random.Generator, n: int) -> np.ndarray:
    """A Haar-random n×n orthogonal matrix."""
    q, r = np.linalg.qr(g.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def with_singular_values(g: np.random.Generator, m: int, n: int, s) -> np.ndarray:
    """U diag(s) Vᵀ with random orthogonal U, V; len(s) ≤ min(m, n)."""
    s = np.asarray(s, dtype=float)
    k = len(s)
    return (orthogonal(g, m)[:, :k] * s) @ orthogonal(g, n)[:, :k].T


def conditioned(g: np.random.Generator, m: int, n: int, cond: float, scale: float = 1.0) -> np.ndarray:
    """Full rank min(m, n), singular values log-spaced from scale to scale/cond."""
    k = min(m, n)
    s = scale * np.logspace(0, -np.log10(cond), k) if k > 1 else np.array([scale])
    return with_singular_values(g, m, n, s)


def rank_deficient(g: np.random.Generator, m: int, n: int, r: int) -> np.ndarray:
    """Rank exactly r by structure: an r×r block in a sea of zeros, rows and columns shuffled.

    LAPACK then finds the zero singular values at (or within a few ulps of) zero,
    far below any cutoff SPEC uses, so every correct implementation agrees.
    """
    a = np.zeros((m, n))
    a[:r, :r] = g.standard_normal((r, r)) + 2 * np.eye(r)
    return a[g.permutation(m)][:, g.permutation(n)]


def gaussian(g: np.random.Generator, m: int, n: int) -> np.ndarray:
    return g.standard_normal((m, n))


def integers(g: np.random.Generator, m: int, n: int, low: int = -5, high: int = 6) -> list:
    """An integer matrix as nested Python lists (SPEC: lists and ints are valid inputs)."""
    while True:
        a = g.integers(low, high, size=(m, n))
        if np.linalg.matrix_rank(a) == min(m, n):
            return a.tolist()
