"""An independent correct tensors: other einsum letters (and implicit mode where it is
right), a ValueError subclass for unknown names, kron by explicit blocks, vec and unvec
through transposes, vec_AXB by the Kronecker identity with columns of X, and a top-down
memoised matrix chain that breaks ties toward the LAST split (another optimal order)."""

import functools

import numpy as np


class UnknownOperation(ValueError):
    pass


_SUBSCRIPTS = {
    "inner": "a,a",
    "outer": "p,q->pq",
    "matmul": "xy,yz",
    "trace": "aa",
    "transpose": "rc->cr",
    "diag": "zz->z",
    "batch_matmul": "nxy,nyz->nxz",
    "attention_scores": "bhqd,bhkd->bhqk",
    "frobenius": "rc,rc",
    "bilinear": "a,ab,b->",
}


def einsum_spec(name):
    if name not in _SUBSCRIPTS:
        raise UnknownOperation(f"einsum_spec does not know {name!r}")
    return _SUBSCRIPTS[name]


def kron(A, B):
    A, B = np.array(A, dtype=float), np.array(B, dtype=float)
    (m, n), (p, q) = A.shape, B.shape
    out = np.empty((m * p, n * q))
    for i in range(m):
        for j in range(n):
            out[i * p : (i + 1) * p, j * q : (j + 1) * q] = A[i, j] * B
    return out


def vec(X):
    return np.array(X, dtype=float).T.reshape(-1)


def unvec(v, shape):
    rows, cols = shape
    return np.array(v, dtype=float).reshape(cols, rows).T.copy()


def vec_AXB(A, X, B):
    A, X, B = (np.array(M, dtype=float) for M in (A, X, B))
    return kron(B.T, A) @ np.concatenate([X[:, j] for j in range(X.shape[1])])


def matrix_chain_order(dims):
    dims = tuple(int(d) for d in dims)

    @functools.cache
    def best(i, j):
        if i == j:
            return 0, i
        choice = None
        for s in range(j - 1, i - 1, -1):  # last split first; keep the first minimum met
            cost = best(i, s)[0] + best(s + 1, j)[0] + dims[i] * dims[s + 1] * dims[j + 1]
            if choice is None or cost < choice[0]:
                choice = (cost, (best(i, s)[1], best(s + 1, j)[1]))
        return choice

    return best(0, len(dims) - 2)
