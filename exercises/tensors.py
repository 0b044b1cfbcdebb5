"""Topic 5 — Kronecker, vec, einsum table, contraction order (lecture §3.6).

Tensors are arrays with more than two axes, and the tools of this topic move
between them and plain matrices: the Kronecker product A ⊗ B builds a big
matrix out of blocks, vec stacks the columns of a matrix into one vector, and
together they turn the matrix equation AXB into a matrix–vector product,
vec(AXB) = (Bᵀ ⊗ A) vec(X). Einstein notation (numpy.einsum) names every
axis with a letter and writes products, traces and the attention scores of a
transformer in one line. Finally, the order in which a chain of products is
evaluated can change its cost by orders of magnitude.

Check your work with `grader check tensors`; stuck? `grader hint tensors`.
"""

import numpy as np


def einsum_spec(name):
    """The numpy.einsum subscripts string of a named operation.

    The grader evaluates np.einsum(einsum_spec(name), *operands) with the
    operands passed in the order they appear in the formula:

        name                operands (shapes)                    result
        "inner"             x (n,), y (n,)                       xᵀy = Σᵢ xᵢyᵢ (a scalar)
        "outer"             x (m,), y (n,)                       x yᵀ, shape (m, n)
        "matmul"            A (m, k), B (k, n)                   A B, shape (m, n)
        "trace"             A (n, n)                             tr A = Σᵢ Aᵢᵢ (a scalar)
        "transpose"         A (m, n)                             Aᵀ, shape (n, m)
        "diag"              A (n, n)                             the diagonal (A₀₀, A₁₁, …), shape (n,)
        "batch_matmul"      A (b, m, k), B (b, k, n)             A[β] B[β] for every β, shape (b, m, n)
        "attention_scores"  Q (B, H, T, d), K (B, H, T, d)       Q Kᵀ per batch and head, shape (B, H, T, T)
        "frobenius"         A (m, n), B (m, n)                   ⟨A, B⟩ = Σᵢⱼ AᵢⱼBᵢⱼ (a scalar)
        "bilinear"          x (m,), A (m, n), y (n,)             xᵀ A y (a scalar)

    Any string numpy.einsum accepts and that gives the right result for every
    shape in the table is right: the letters are yours to choose, and the
    implicit form (no "->") is fine where it means the same.

    Args:
        name: str, one of the names above.

    Returns:
        str: the subscripts, e.g. "ij,j->i" for a matrix–vector product A x.

    Raises:
        ValueError: for a name not in the table.

    Forbidden: nothing.
    """
    raise NotImplementedError("einsum_spec is not written yet")


def kron(A, B):
    """The Kronecker product A ⊗ B, without numpy.kron.

    Math: for A of shape (m, n) and B of shape (p, q), A ⊗ B is the (m·p)×(n·q)
    block matrix whose block (i, j) is A[i, j]·B:

        A ⊗ B = [[A[0, 0]·B, A[0, 1]·B, …],
                 [A[1, 0]·B, A[1, 1]·B, …], …]

    so (A ⊗ B)[i·p + k, j·q + l] = A[i, j]·B[k, l]. Note A ⊗ B ≠ B ⊗ A in general.

    Args:
        A: array-like of shape (m, n); integers allowed.
        B: array-like of shape (p, q).

    Returns:
        float array of shape (m·p, n·q).

    Forbidden: numpy.kron
    """
    raise NotImplementedError("kron is not written yet")


def vec(X):
    """vec(X): the columns of X stacked into one vector (column-major order).

    Math: for X of shape (m, n), vec(X) = (X[0, 0], X[1, 0], …, X[m−1, 0],
    X[0, 1], …, X[m−1, n−1]), i.e. vec(X)[i + j·m] = X[i, j]. numpy's default
    order (X.ravel(), X.flatten(), X.reshape(-1)) is row-major, which is not vec.

    Args:
        X: array-like of shape (m, n); integers allowed.

    Returns:
        float array of shape (m·n,).

    Forbidden: nothing.
    """
    raise NotImplementedError("vec is not written yet")


def unvec(v, shape):
    """The inverse of vec: refill a matrix of the given shape column by column.

    Math: X = unvec(v, (m, n)) has X[i, j] = v[i + j·m], so that
    unvec(vec(X), X.shape) == X and vec(unvec(v, shape)) == v.

    Args:
        v: array-like of shape (m·n,).
        shape: tuple (m, n).

    Returns:
        float array of shape (m, n).

    Forbidden: nothing.
    """
    raise NotImplementedError("unvec is not written yet")


def vec_AXB(A, X, B):
    """vec(A X B) computed as a matrix–vector product, (Bᵀ ⊗ A) vec(X).

    Math: for A (m, n), X (n, p), B (p, q), vec(AXB) = (Bᵀ ⊗ A) vec(X), where
    Bᵀ ⊗ A has shape (q·m, p·n) and vec is column-major (use your kron and vec).

    Args:
        A: array-like of shape (m, n).
        X: array-like of shape (n, p).
        B: array-like of shape (p, q).

    Returns:
        float array of shape (m·q,), equal to vec(A @ X @ B).

    Forbidden: nothing.
    """
    raise NotImplementedError("vec_AXB is not written yet")


def matrix_chain_order(dims):
    """The cheapest order to multiply a chain of matrices A₀ A₁ … Aₙ₋₁.

    Math: Aᵢ has shape dims[i]×dims[i+1]. Multiplying an (a×b) by a (b×c)
    matrix costs a·b·c multiply-adds and gives an (a×c) matrix. The order of
    the products (not the result) decides the total cost: for the lecture's
    100×50, 50×200, 200×100 chain, (A₀A₁)A₂ costs 3 000 000 and A₀(A₁A₂)
    1 500 000. Dynamic programming over sub-chains i..j finds the minimum:
    cost(i, j) = min over i ≤ s < j of cost(i, s) + cost(s+1, j) + dims[i]·dims[s+1]·dims[j+1].

    Args:
        dims: list (or 1-D array) of n + 1 positive ints, n ≥ 1.

    Returns:
        (cost, order): cost is the minimal number of multiply-adds (an int;
        0 for a single matrix); order is an optimal parenthesisation written
        as nested 2-tuples of matrix indices, e.g. (0, (1, 2)) or
        ((0, 1), (2, 3)); a single matrix is the int 0. Tuples, not lists.
        When several orders are optimal, any of them is right.

    Forbidden: nothing.
    """
    raise NotImplementedError("matrix_chain_order is not written yet")
