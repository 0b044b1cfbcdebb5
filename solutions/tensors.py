"""Reference solution: tensors (lecture §3.6)."""

import numpy as np

_EINSUM = {
    "inner": "i,i->",
    "outer": "i,j->ij",
    "matmul": "ik,kj->ij",
    "trace": "ii->",
    "transpose": "ij->ji",
    "diag": "ii->i",
    "batch_matmul": "bik,bkj->bij",
    "attention_scores": "bhik,bhjk->bhij",
    "frobenius": "ij,ij->",
    "bilinear": "i,ij,j->",
}


def einsum_spec(name):
    try:
        return _EINSUM[name]
    except KeyError:
        raise ValueError(f"unknown operation {name!r}; the known ones are {', '.join(_EINSUM)}") from None


def kron(A, B):
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    (m, n), (p, q) = A.shape, B.shape
    # blocks[i, k, j, l] = A[i, j] · B[k, l]: row i·p + k, column j·q + l of A ⊗ B
    blocks = A[:, None, :, None] * B[None, :, None, :]
    return blocks.reshape(m * p, n * q)


def vec(X):
    return np.asarray(X, dtype=float).flatten(order="F")


def unvec(v, shape):
    return np.array(v, dtype=float).reshape(shape, order="F")


def vec_AXB(A, X, B):
    B = np.asarray(B, dtype=float)
    return kron(B.T, A) @ vec(X)


def _nested(split, i, j):
    """The optimal parenthesisation of matrices i..j from the table of best splits."""
    if i == j:
        return i
    s = split[i][j]
    return (_nested(split, i, s), _nested(split, s + 1, j))


def matrix_chain_order(dims):
    dims = [int(d) for d in dims]
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(2, n + 1):
        for i in range(n - length + 1):
            j = i + length - 1
            best = None
            for s in range(i, j):
                c = cost[i][s] + cost[s + 1][j] + dims[i] * dims[s + 1] * dims[j + 1]
                if best is None or c < best:
                    best, split[i][j] = c, s
            cost[i][j] = best
    return cost[0][n - 1], _nested(split, 0, n - 1)
