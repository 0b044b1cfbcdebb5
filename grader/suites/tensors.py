"""Hidden suite: tensors — the einsum table, Kronecker products, vec, the matrix chain.

einsum_spec is judged by what its string does: np.einsum(<learner's string>,
*operands) runs here, in the trusted process, on several non-square shapes
(batch ≠ heads, T ≠ d), and is compared with an oracle that uses no einsum
(matmul, trace, transpose …), so every equivalent string passes and swapped
output axes fail. kron is compared with numpy.kron (forbidden to the learner
only), vec and unvec with column-major reshapes, vec_AXB with vec(A X B).
matrix_chain_order is checked against the minimum over all
parenthesisations (brute force): any order that reaches it is right.

A failure names the known mistake its numbers fit: the result of a known
wrong subscript (axes permuted, an axis summed or kept), or what a known
wrong kron / vec / chain algorithm returns on the same input.
"""

import itertools

import numpy as np
import pytest

from grader.feedback import Feedback
from grader.outcomes import Wrong
from grader.suites import cases, checks, oracles

TOL = 1e-12


def magnitude(*arrays) -> float:
    return max(max((float(np.max(np.abs(a))) for a in arrays if np.size(a)), default=0.0), 1e-300)


# --- einsum_spec -------------------------------------------------------------------

# name -> (operand names, the code of its formula in words, oracle without einsum, operand shapes to try)
EINSUM = {
    "inner": ("x, y", "tensors.formula.inner", lambda x, y: x @ y, [[(5,), (5,)], [(1,), (1,)], [(8,), (8,)]]),
    "outer": (
        "x, y",
        "tensors.formula.outer",
        lambda x, y: x[:, None] * y[None, :],
        [[(3,), (5,)], [(4,), (1,)], [(1,), (6,)]],
    ),
    "matmul": (
        "A, B",
        "tensors.formula.matmul",
        lambda A, B: A @ B,
        [[(3, 4), (4, 5)], [(2, 6), (6, 1)], [(4, 4), (4, 4)]],
    ),
    "trace": ("A", "tensors.formula.trace", np.trace, [[(4, 4)], [(1, 1)], [(6, 6)]]),
    "transpose": ("A", "tensors.formula.transpose", np.transpose, [[(3, 5)], [(1, 4)], [(4, 4)]]),
    "diag": ("A", "tensors.formula.diag", np.diagonal, [[(4, 4)], [(1, 1)], [(5, 5)]]),
    "batch_matmul": (
        "A, B",
        "tensors.formula.batch_matmul",
        lambda A, B: A @ B,
        [[(3, 2, 4), (3, 4, 5)], [(1, 3, 3), (1, 3, 2)], [(4, 5, 2), (4, 2, 3)]],
    ),
    "attention_scores": (
        "Q, K",
        "tensors.formula.attention_scores",
        lambda Q, K: Q @ np.swapaxes(K, -1, -2),
        [[(2, 3, 4, 5)] * 2, [(1, 2, 6, 3)] * 2, [(3, 1, 2, 7)] * 2],
    ),
    "frobenius": (
        "A, B",
        "tensors.formula.frobenius",
        lambda A, B: np.sum(A * B),
        [[(3, 4), (3, 4)], [(5, 2), (5, 2)], [(4, 4), (4, 4)]],
    ),
    "bilinear": (
        "x, A, y",
        "tensors.formula.bilinear",
        lambda x, A, y: x @ A @ y,
        [[(3,), (3, 5), (5,)], [(4,), (4, 1), (1,)], [(2,), (2, 2), (2,)]],
    ),
}


def permuted_axes(got, expected, allowed):
    """The axes permutation (other than the identity) that turns ``got`` into ``expected``, if any."""
    for perm in itertools.permutations(range(np.ndim(got))):
        if perm != tuple(range(np.ndim(got))) and checks.same(np.transpose(got, perm), expected, allowed):
            return perm
    return None


def einsum_mistake(spec, operands, got, expected, allowed) -> tuple[str | None, dict]:
    """(mistake id, its params) for a wrong einsum result (``got`` None: numpy rejected the string):
    output axes permuted, an axis summed that should stay, one kept that should be summed, or
    subscripts that fit the operands in another order."""
    if got is not None:
        perm = permuted_axes(got, expected, allowed)
        if perm is not None:
            return "tensors.output_axes_order", {"perm": perm}
        for axis in range(expected.ndim):
            if checks.same(got, expected.sum(axis=axis), allowed * expected.shape[axis]):
                return "tensors.axis_summed", {"axis": axis}
        if expected.ndim and checks.same(got, expected.sum(), allowed * expected.size):
            return "tensors.axis_summed", {"axis": "all"}
        for axes in itertools.combinations(range(got.ndim), max(got.ndim - expected.ndim, 0)):
            if axes and checks.same(got.sum(axis=axes), expected, allowed * got.size):
                return "tensors.axis_kept", {"axes": axes}
    for order in itertools.permutations(range(len(operands))):
        if order != tuple(range(len(operands))):
            try:
                moved = np.einsum(spec, *(operands[i] for i in order))
            except Exception:  # noqa: BLE001 - the string does not fit this order either
                continue
            if checks.same(moved, expected, allowed):
                return "tensors.operand_order", {"order": list(order)}
    return None, {}


@pytest.mark.function("einsum_spec")
@pytest.mark.parametrize("name", EINSUM)
def test_einsum_spec(learner, seed, name):
    names, formula, oracle, shape_sets = EINSUM[name]
    spec = learner.einsum_spec(name)
    if not isinstance(spec, str):
        raise Wrong("tensors.spec_not_str", op=name, type=type(spec).__name__, value=spec)
    for draw, shapes in enumerate(shape_sets):
        g = cases.rng(seed, "einsum_spec", name, draw)
        operands = [g.standard_normal(shape) for shape in shapes]
        expected = np.asarray(oracle(*operands))
        allowed = TOL * magnitude(oracle(*map(np.abs, operands)))
        params = dict(op=name, spec=spec, operands=names.split(", "), shapes=shapes, notes=[Feedback(formula)])
        try:
            got = np.asarray(np.einsum(spec, *operands))
        except Exception as exc:  # noqa: BLE001 - the learner's string is malformed for these operands
            mistake, found = einsum_mistake(spec, operands, None, expected, allowed)
            raise Wrong(
                "tensors.einsum_rejected", error=f"{type(exc).__name__}: {exc}", mistake=mistake, **found, **params
            ) from None
        if checks.same(got, expected, allowed):
            continue
        mistake, found = einsum_mistake(spec, operands, got, expected, allowed)
        if got.shape != expected.shape:
            raise Wrong(
                "tensors.einsum_shape",
                shape=got.shape,
                expected_shape=expected.shape,
                mistake=mistake,
                **found,
                **params,
            )
        checks.close(
            got, expected, "result", tol=allowed, code="tensors.einsum_result", mistake=mistake, **found, **params
        )


@pytest.mark.function("einsum_spec")
@pytest.mark.gated  # ValueError is the right answer whatever the unknown name
@pytest.mark.parametrize("name", ["hadamard", "matrix_multiply", ""])
def test_einsum_spec_unknown_name(learner, name):
    raised = learner.raises("einsum_spec", name)
    if raised is None:
        raise Wrong("tensors.unknown_name_returned", op=name, value=learner.last.answer.value)
    if raised != "ValueError":
        raise Wrong(
            "tensors.unknown_name_raised",
            op=name,
            raised=raised,
            mistake="tensors.unknown_name_keyerror" if raised == "KeyError" else None,
        )


# --- kron --------------------------------------------------------------------------

KRON = {
    "lecture": lambda g: ([[1, 2], [3, 4]], [[5, 6], [7, 8]]),
    "rectangular": lambda g: (cases.gaussian(g, 2, 3), cases.gaussian(g, 4, 2)),
    "rectangular-other-way": lambda g: (cases.gaussian(g, 3, 1), cases.gaussian(g, 2, 4)),
    "row-times-column": lambda g: (cases.gaussian(g, 1, 3), cases.gaussian(g, 4, 1)),
    "column-times-row": lambda g: (cases.gaussian(g, 3, 1), cases.gaussian(g, 1, 4)),
    "row-times-row": lambda g: (cases.gaussian(g, 1, 2), cases.gaussian(g, 1, 3)),
    "identity-times-matrix": lambda g: (np.eye(3), cases.gaussian(g, 2, 3)),
    "1x1": lambda g: ([[g.uniform(1, 3)]], cases.gaussian(g, 3, 2)),
    "integers": lambda g: (g.integers(-5, 6, size=(3, 2)).tolist(), g.integers(-5, 6, size=(2, 4)).tolist()),
}


@pytest.mark.function("kron")
@pytest.mark.parametrize("case", KRON)
def test_kron(learner, seed, case):
    A, B = KRON[case](cases.rng(seed, "kron", case))
    a, b = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    (m, n), (p, q) = a.shape, b.shape
    expected = np.kron(a, b)
    got = checks.array(learner.kron(A, B), "kron(A, B)", expected.shape)
    scale = magnitude(a) * magnitude(b)
    mistake = checks.near_miss(
        got,
        expected,
        [
            ("tensors.kron_swapped", np.kron(b, a)),
            ("tensors.kron_not_interleaved", (a[:, :, None, None] * b[None, None, :, :]).reshape(m * p, n * q)),
        ],
        TOL * scale,
    )
    checks.close(got, expected, "kron(A, B)", tol=TOL, scale=scale, code="tensors.kron", mistake=mistake)


# --- vec, unvec --------------------------------------------------------------------

# tall first: a non-square X tells row-major from column-major apart by shape as well
MATRICES = {
    **{
        name: (lambda m, n: lambda g: cases.gaussian(g, m, n))(*cases.SHAPES[name])
        for name in ("tall", "wide", "square", "row", "column")
    },
    "integers": lambda g: g.integers(-9, 10, size=(3, 4)).tolist(),
}


@pytest.mark.function("vec")
@pytest.mark.parametrize("case", MATRICES)
def test_vec(learner, seed, case):
    X = MATRICES[case](cases.rng(seed, "vec", case))
    x = np.asarray(X, dtype=float)
    expected = x.T.reshape(-1)
    got = checks.array(learner.vec(X), "vec(X)", expected.shape)
    mistake = checks.near_miss(got, expected, [("tensors.vec_row_major", x.reshape(-1))], TOL * magnitude(x))
    checks.close(got, expected, "vec(X)", tol=TOL, scale=magnitude(x), code="tensors.vec", mistake=mistake)


@pytest.mark.function("unvec")
@pytest.mark.parametrize("case", MATRICES)
def test_unvec(learner, seed, case):
    X = MATRICES[case](cases.rng(seed, "unvec", case))
    x = np.asarray(X, dtype=float)
    v = x.T.reshape(-1)  # vec(X)
    given = v.astype(int).tolist() if case == "integers" else v
    got = learner.unvec(given, x.shape)
    allowed = TOL * magnitude(x)
    if isinstance(got, np.ndarray) and got.shape == x.shape[::-1] != x.shape:
        raise Wrong(
            "check.shape",
            name="unvec(v, shape)",
            shape=got.shape,
            expected_shape=x.shape,
            mistake="tensors.unvec_not_transposed" if checks.same(got.T, x, allowed) else None,
        )
    got = checks.array(got, "unvec(v, shape)", x.shape)
    mistake = checks.near_miss(
        got,
        x,
        [("tensors.unvec_row_major", v.reshape(x.shape)), ("tensors.unvec_not_transposed", v.reshape(x.shape[::-1]))],
        allowed,
    )
    checks.close(got, x, "unvec(v, shape)", tol=TOL, scale=magnitude(x), code="tensors.unvec", mistake=mistake)


# --- vec_AXB -----------------------------------------------------------------------

VEC_AXB = {  # (m, n, p, q): A (m, n), X (n, p), B (p, q)
    "rectangular": (2, 3, 4, 5),
    "rectangular-other": (5, 4, 2, 3),
    "square": (3, 3, 3, 3),
    "vector-X": (3, 4, 1, 2),
    "row-result": (1, 3, 2, 4),
    "column-result": (4, 2, 3, 1),
}


@pytest.mark.function("vec_AXB")
@pytest.mark.parametrize("case", VEC_AXB)
def test_vec_AXB(learner, seed, case):
    g = cases.rng(seed, "vec_AXB", case)
    m, n, p, q = VEC_AXB[case]
    A, X, B = cases.gaussian(g, m, n), cases.gaussian(g, n, p), cases.gaussian(g, p, q)
    product = A @ X @ B
    expected = product.T.reshape(-1)
    got = checks.array(learner.vec_AXB(A, X, B), "vec_AXB(A, X, B)", expected.shape)
    scale = magnitude(np.abs(A) @ np.abs(X) @ np.abs(B))
    mistake = checks.near_miss(
        got,
        expected,
        [
            ("tensors.vec_axb_row_major", product.reshape(-1)),
            ("tensors.vec_axb_kron_swapped", np.kron(A, B.T) @ X.T.reshape(-1)),
        ],
        TOL * scale,
    )
    checks.close(got, expected, "vec_AXB(A, X, B)", tol=TOL, scale=scale, code="tensors.vec_axb", mistake=mistake)


# --- matrix_chain_order ------------------------------------------------------------


def all_orders(i, j):
    """Every parenthesisation of matrices i..j as nested 2-tuples."""
    if i == j:
        yield i
        return
    for s in range(i, j):
        yield from itertools.product(all_orders(i, s), all_orders(s + 1, j))


def leaves(order) -> list:
    """The matrix indices of an order, left to right; Wrong if it is not nested 2-tuples of ints."""
    if isinstance(order, tuple):
        if len(order) != 2:
            raise Wrong("tensors.order_not_pair", value=order, length=len(order))
        return leaves(order[0]) + leaves(order[1])
    if isinstance(order, list):
        raise Wrong("tensors.order_list", value=order, mistake="tensors.order_as_lists" if len(order) == 2 else None)
    if isinstance(order, bool) or not isinstance(order, int):
        raise Wrong("tensors.order_leaf", value=order, type=type(order).__name__)
    return [order]


def order_cost(order, dims) -> tuple[int, int, int]:
    """(rows, columns, multiply-adds) of evaluating ``order`` on matrices of shapes dims[i]×dims[i+1]."""
    if isinstance(order, int):
        return dims[order], dims[order + 1], 0
    (m, k, left), (_, n, right) = order_cost(order[0], dims), order_cost(order[1], dims)
    return m, n, left + right + m * k * n


@oracles.remembered  # every order tried: a seed's gradings (verify, a class) ask for the same chains
def cheapest(dims: list[int]) -> tuple[int, object]:
    """(cost, order) of the first cheapest of all parenthesisations, by brute force."""
    return min(((order_cost(o, dims)[2], o) for o in all_orders(0, len(dims) - 2)), key=lambda pair: pair[0])


def chain_dp(dims, charge):
    """(cost, order) of the textbook dynamic programme with the product i..s × s+1..j costing
    ``charge(i, s, j)``: the right charge, or a known wrong one."""
    n = len(dims) - 1
    best = {(i, i): (0, i) for i in range(n)}
    for length in range(2, n + 1):
        for i in range(n - length + 1):
            j = i + length - 1
            best[i, j] = min(
                (
                    (best[i, s][0] + best[s + 1, j][0] + charge(i, s, j), (best[i, s][1], best[s + 1, j][1]))
                    for s in range(i, j)
                ),
                key=lambda pair: pair[0],
            )
    return best[0, n - 1]


def chain_greedy(dims):
    """(cost, order) of always multiplying the cheapest adjacent pair first."""
    dims, items, total = list(dims), list(range(len(dims) - 1)), 0
    while len(items) > 1:
        k = min(range(len(items) - 1), key=lambda t: dims[t] * dims[t + 1] * dims[t + 2])
        total += dims[k] * dims[k + 1] * dims[k + 2]
        items[k : k + 2] = [(items[k], items[k + 1])]
        del dims[k + 1]
    return total, items[0]


def chain_mistake(dims, cost, order, best_cost) -> str | None:
    """The known wrong algorithm whose (cost, order) on these dims the answer matches."""
    candidates = [
        ("tensors.chain_greedy", chain_greedy(dims)),
        ("tensors.chain_cost_m_n", chain_dp(dims, lambda i, s, j: dims[i] * dims[j + 1])),
        ("tensors.chain_shared_dim_index", chain_dp(dims, lambda i, s, j: dims[i] * dims[s] * dims[j + 1])),
    ]
    own = order_cost(order, dims)[2]
    for mistake, (wrong_cost, wrong_order) in candidates:
        if (cost == wrong_cost != best_cost) or (order == wrong_order and own != best_cost):
            return mistake
    return None


def chain_length(g, low, high) -> int:
    return int(g.integers(low, high + 1))


CHAIN = {
    "lecture": lambda g: [100, 50, 200, 100],
    "single": lambda g: [int(g.integers(1, 30)), int(g.integers(1, 30))],  # (0, 0) whatever the dims
    "pair": lambda g: g.integers(1, 30, size=3).tolist(),
    "textbook-six": lambda g: [30, 35, 15, 5, 10, 20, 25],
    "equal-dims-ties": lambda g: [4] * chain_length(g, 3, 6),
    "random-short": lambda g: g.integers(1, 40, size=chain_length(g, 2, 4)).tolist(),
    "random-long": lambda g: g.integers(1, 40, size=chain_length(g, 5, 8)).tolist(),
    "small-dims-ties": lambda g: g.integers(1, 4, size=chain_length(g, 4, 8)).tolist(),
    "numpy-array": lambda g: g.integers(1, 40, size=6),
}


@pytest.mark.function("matrix_chain_order")
@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.gated) if c == "single" else c for c in CHAIN])
def test_matrix_chain_order(learner, seed, case):
    for draw in range(4 if case.startswith(("random", "small")) else 1):
        given = CHAIN[case](cases.rng(seed, "matrix_chain_order", case, draw))
        dims = [int(d) for d in given]
        n = len(dims) - 1
        best_cost, best_order = cheapest(dims)
        cost, order = checks.values(learner.matrix_chain_order(given), ("cost", "order"), "matrix_chain_order")
        if isinstance(cost, np.ndarray) and cost.ndim == 0 and cost.dtype.kind in "iuf":
            cost = cost.item()
        if isinstance(cost, bool) or not isinstance(cost, (int, float)):
            raise Wrong("tensors.chain_cost_type", type=type(cost).__name__, value=cost)
        found = leaves(order)
        if found != list(range(n)):
            raise Wrong(
                "tensors.order_single" if n == 1 else "tensors.order_leaves", order=order, found=found, n=n, last=n - 1
            )
        own = order_cost(order, dims)[2]
        mistake = chain_mistake(dims, cost, order, best_cost)
        if own != best_cost:
            raise Wrong(
                "tensors.order_not_optimal",
                order=order,
                own=own,
                best=best_cost,
                best_order=best_order,
                mistake=mistake,
            )
        if cost != best_cost:
            raise Wrong("tensors.chain_cost", cost=cost, best=best_cost, order=order, own=own, mistake=mistake)
