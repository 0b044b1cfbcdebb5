"""Hidden suite: tensors — the einsum table, Kronecker products, vec, the matrix chain.

einsum_spec is judged by what its string does: np.einsum(<learner's string>,
*operands) runs here, in the trusted process, on several non-square shapes
(batch ≠ heads, T ≠ d), and is compared with an oracle that uses no einsum
(matmul, trace, transpose …), so every equivalent string passes and swapped
output axes fail. kron is compared with numpy.kron (forbidden to the learner
only), vec and unvec with column-major reshapes, vec_AXB with vec(A X B).
matrix_chain_order is checked against the minimum over all
parenthesisations (brute force): any order that reaches it is right.
"""

import itertools

import numpy as np
import pytest

from grader import fmt
from grader.outcomes import Wrong
from grader.suites import cases, checks


def compare(got, expected, name, *, scale, what, near_misses=()) -> None:
    """checks.close, but name a known mistake when the answer is exactly one of ``near_misses``."""
    tol = 1e-12
    try:
        checks.close(got, expected, name, tol=tol, scale=scale, what=what)
    except Wrong:
        for label, value in near_misses:
            if np.shape(value) == np.shape(got) and np.allclose(got, value, rtol=0, atol=tol * scale):
                raise Wrong(f"{name} is {label}.\n  got      {fmt.array(got, 11)}\n"
                            f"  expected {fmt.array(expected, 11)}") from None
        raise


def magnitude(*arrays) -> float:
    return max(max((float(np.max(np.abs(a))) for a in arrays if np.size(a)), default=0.0), 1e-300)


# --- einsum_spec -------------------------------------------------------------------

# name -> (operand names, formula in words, oracle without einsum, operand shapes to try)
EINSUM = {
    "inner": ("x, y", "x·y = Σᵢ xᵢyᵢ, a scalar", lambda x, y: x @ y,
              [[(5,), (5,)], [(1,), (1,)], [(8,), (8,)]]),
    "outer": ("x, y", "x yᵀ of shape (len(x), len(y))", lambda x, y: x[:, None] * y[None, :],
              [[(3,), (5,)], [(4,), (1,)], [(1,), (6,)]]),
    "matmul": ("A, B", "A @ B", lambda A, B: A @ B,
               [[(3, 4), (4, 5)], [(2, 6), (6, 1)], [(4, 4), (4, 4)]]),
    "trace": ("A", "tr A = Σᵢ Aᵢᵢ, a scalar", np.trace,
              [[(4, 4)], [(1, 1)], [(6, 6)]]),
    "transpose": ("A", "Aᵀ", np.transpose,
                  [[(3, 5)], [(1, 4)], [(4, 4)]]),
    "diag": ("A", "the diagonal (A₀₀, A₁₁, …)", np.diagonal,
             [[(4, 4)], [(1, 1)], [(5, 5)]]),
    "batch_matmul": ("A, B", "A[b] @ B[b] for every b", lambda A, B: A @ B,
                     [[(3, 2, 4), (3, 4, 5)], [(1, 3, 3), (1, 3, 2)], [(4, 5, 2), (4, 2, 3)]]),
    "attention_scores": ("Q, K", "Q[b, h] @ K[b, h]ᵀ for every batch b and head h, shape (B, H, T, T)",
                         lambda Q, K: Q @ np.swapaxes(K, -1, -2),
                         [[(2, 3, 4, 5)] * 2, [(1, 2, 6, 3)] * 2, [(3, 1, 2, 7)] * 2]),
    "frobenius": ("A, B", "⟨A, B⟩ = Σᵢⱼ AᵢⱼBᵢⱼ, a scalar", lambda A, B: np.sum(A * B),
                  [[(3, 4), (3, 4)], [(5, 2), (5, 2)], [(4, 4), (4, 4)]]),
    "bilinear": ("x, A, y", "xᵀ A y, a scalar", lambda x, A, y: x @ A @ y,
                 [[(3,), (3, 5), (5,)], [(4,), (4, 1), (1,)], [(2,), (2, 2), (2,)]]),
}


def permuted_axes(got, expected, allowed):
    """The axes permutation (other than the identity) that turns ``got`` into ``expected``, if any."""
    for perm in itertools.permutations(range(np.ndim(got))):
        moved = np.transpose(got, perm)
        if perm != tuple(sorted(perm)) and moved.shape == np.shape(expected) \
                and np.max(np.abs(moved - expected), initial=0.0) <= allowed:
            return perm
    return None


@pytest.mark.function("einsum_spec")
@pytest.mark.parametrize("name", EINSUM)
def test_einsum_spec(learner, seed, name):
    names, formula, oracle, shape_sets = EINSUM[name]
    spec = learner.einsum_spec(name)
    if not isinstance(spec, str):
        raise Wrong(f"einsum_spec({name!r}) should return a str (the subscripts that numpy.einsum takes as its "
                    f"first argument); it returned a {type(spec).__name__}: {fmt.value(spec)}.")
    for draw, shapes in enumerate(shape_sets):
        g = cases.rng(seed, "einsum_spec", name, draw)
        operands = [g.standard_normal(shape) for shape in shapes]
        described = ", ".join(f"{n} of shape {s}" for n, s in zip(names.split(", "), shapes))
        call = f"np.einsum({spec!r}, {names}) with {described}"
        try:
            got = np.asarray(np.einsum(spec, *operands))
        except Exception as exc:  # the learner's string is malformed for these operands
            raise Wrong(f"{call} raised {type(exc).__name__}: {exc}\n"
                        f"einsum_spec({name!r}) must give subscripts that numpy.einsum accepts for {names} "
                        "(one comma-separated group of letters per operand, in that order, one letter per axis).") \
                from None
        expected = np.asarray(oracle(*operands))
        allowed = 1e-12 * magnitude(oracle(*map(np.abs, operands)))
        if np.shape(got) == np.shape(expected) and np.max(np.abs(got - expected), initial=0.0) <= allowed:
            continue
        perm = permuted_axes(got, expected, allowed)
        if perm is not None:
            raise Wrong(f"{call} gives the numbers of {name} ({formula}) with its axes in the wrong order: "
                        f"np.transpose(result, {perm}) would be right. Check the order of the letters after '->'.")
        if np.shape(got) != np.shape(expected):
            raise Wrong(f"{call} gives a result of shape {np.shape(got)}, but {name} is {formula}: shape "
                        f"{np.shape(expected)}. Letters missing after '->' are summed over (and without '->' "
                        "numpy sums every letter that appears twice).")
        err = np.abs(got - expected)
        at = tuple(int(i) for i in np.unravel_index(int(np.argmax(err)), err.shape))
        where = f" at index {list(at)}" if at else ""
        shown = (f"\n  got      {fmt.array(got, 11)}\n  expected {fmt.array(expected, 11)}"
                 if got.ndim and got.size <= fmt.FULL_LIMIT else "")
        raise Wrong(f"{call} does not compute {name} ({formula}):{where} it gives {fmt.num(got[at])}, "
                    f"expected {fmt.num(expected[at])} (error {err[at]:.2g}, allowed {allowed:.2g}).{shown}")


@pytest.mark.function("einsum_spec")
@pytest.mark.parametrize("name", ["hadamard", "matrix_multiply", ""])
def test_einsum_spec_unknown_name(learner, name):
    raised = learner.raises("einsum_spec", name)
    if raised != "ValueError":
        did = f"raised {raised}" if raised else f"returned {fmt.value(learner.last.answer.value)}"
        raise Wrong(f"einsum_spec({name!r}) {did}; a name that is not in the table should raise ValueError.")


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
    expected = np.kron(a, b)
    got = checks.array(learner.kron(A, B), "kron(A, B)", expected.shape)
    compare(got, expected, "kron(A, B)", scale=magnitude(a) * magnitude(b),
            what="block (i, j) of A ⊗ B is A[i, j]·B",
            near_misses=[("B ⊗ A: the blocks are in the wrong order. In A ⊗ B, A's entry (i, j) scales all of B "
                          "to make block (i, j)", np.kron(b, a))])


# --- vec, unvec --------------------------------------------------------------------

MATRICES = {
    **{name: (lambda m, n: lambda g: cases.gaussian(g, m, n))(m, n) for name, (m, n) in cases.SHAPES.items()},
    "integers": lambda g: g.integers(-9, 10, size=(3, 4)).tolist(),
}


@pytest.mark.function("vec")
@pytest.mark.parametrize("case", MATRICES)
def test_vec(learner, seed, case):
    X = MATRICES[case](cases.rng(seed, "vec", case))
    x = np.asarray(X, dtype=float)
    expected = x.T.reshape(-1)
    got = checks.array(learner.vec(X), "vec(X)", expected.shape)
    compare(got, expected, "vec(X)", scale=magnitude(x), what="vec stacks the columns of X: vec(X)[i + j·m] = X[i, j]",
            near_misses=[("X read row by row (numpy's default order, as X.ravel() or X.flatten() give it); vec "
                          "stacks the columns: first column X[:, 0], then X[:, 1], …", x.reshape(-1))])


@pytest.mark.function("unvec")
@pytest.mark.parametrize("case", MATRICES)
def test_unvec(learner, seed, case):
    X = MATRICES[case](cases.rng(seed, "unvec", case))
    x = np.asarray(X, dtype=float)
    v = x.T.reshape(-1)  # vec(X)
    given = v.astype(int).tolist() if case == "integers" else v
    got = checks.array(learner.unvec(given, x.shape), "unvec(v, shape)", x.shape)
    compare(got, x, "unvec(v, shape)", scale=magnitude(x),
            what="unvec(vec(X), X.shape) must give X back: X[i, j] = v[i + j·m], column by column",
            near_misses=[("v poured in row by row (v.reshape(shape), numpy's default order); unvec must undo vec, "
                          "which stacks columns", v.reshape(x.shape))])


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
    compare(got, expected, "vec_AXB(A, X, B)", scale=magnitude(np.abs(A) @ np.abs(X) @ np.abs(B)),
            what="it should equal vec(A @ X @ B), stacking the columns of the product",
            near_misses=[("vec(A @ X @ B) read row by row; vec stacks columns", product.reshape(-1)),
                         ("(A ⊗ Bᵀ) vec(X); the identity is vec(AXB) = (Bᵀ ⊗ A) vec(X): B comes first, "
                          "transposed", np.kron(A, B.T) @ X.T.reshape(-1))])


# --- matrix_chain_order ------------------------------------------------------------

def all_orders(i, j):
    """Every parenthesisation of matrices i..j as nested 2-tuples."""
    if i == j:
        yield i
        return
    for s in range(i, j):
        for left, right in itertools.product(all_orders(i, s), all_orders(s + 1, j)):
            yield (left, right)


def leaves(order) -> list:
    """The matrix indices of an order, left to right; Wrong if it is not nested 2-tuples of ints."""
    if isinstance(order, tuple):
        if len(order) != 2:
            raise Wrong(f"order contains the tuple {fmt.value(order)} of length {len(order)}; every product "
                        "is a 2-tuple (left, right), e.g. ((0, 1), 2), and a single matrix is the int 0.")
        return leaves(order[0]) + leaves(order[1])
    if isinstance(order, list):
        raise Wrong(f"order contains the list {fmt.value(order)}; SPEC writes an order as nested 2-tuples, "
                    "e.g. ((0, 1), 2): build it with (left, right), not [left, right].")
    if isinstance(order, bool) or not isinstance(order, int):
        raise Wrong(f"order contains {fmt.value(order)} (a {type(order).__name__}); its leaves are the matrix "
                    "indices as ints, e.g. ((0, 1), 2).")
    return [order]


def order_cost(order, dims) -> tuple[int, int, int]:
    """(rows, columns, multiply-adds) of evaluating ``order`` on matrices of shapes dims[i]×dims[i+1]."""
    if isinstance(order, int):
        return dims[order], dims[order + 1], 0
    (m, k, left), (_, n, right) = order_cost(order[0], dims), order_cost(order[1], dims)
    return m, n, left + right + m * k * n


def chain_length(g, low, high) -> int:
    return int(g.integers(low, high + 1))


CHAIN = {
    "lecture": lambda g: [100, 50, 200, 100],
    "single": lambda g: [int(g.integers(1, 30)), int(g.integers(1, 30))],
    "pair": lambda g: g.integers(1, 30, size=3).tolist(),
    "textbook-six": lambda g: [30, 35, 15, 5, 10, 20, 25],
    "equal-dims-ties": lambda g: [4] * chain_length(g, 3, 6),
    "random-short": lambda g: g.integers(1, 40, size=chain_length(g, 2, 4)).tolist(),
    "random-long": lambda g: g.integers(1, 40, size=chain_length(g, 5, 8)).tolist(),
    "small-dims-ties": lambda g: g.integers(1, 4, size=chain_length(g, 4, 8)).tolist(),
    "numpy-array": lambda g: g.integers(1, 40, size=6),
}


@pytest.mark.function("matrix_chain_order")
@pytest.mark.parametrize("case", CHAIN)
def test_matrix_chain_order(learner, seed, case):
    for draw in range(4 if case.startswith(("random", "small")) else 1):
        given = CHAIN[case](cases.rng(seed, "matrix_chain_order", case, draw))
        dims = [int(d) for d in given]
        n = len(dims) - 1
        best_cost, best_order = min(((order_cost(o, dims)[2], o) for o in all_orders(0, n - 1)),
                                    key=lambda pair: pair[0])
        cost, order = checks.values(learner.matrix_chain_order(given), ("cost", "order"), "matrix_chain_order")
        if isinstance(cost, np.ndarray) and cost.ndim == 0 and cost.dtype.kind in "iuf":
            cost = cost.item()
        if isinstance(cost, bool) or not isinstance(cost, (int, float)):
            raise Wrong(f"cost (the first of the two values returned) should be the number of multiply-adds, "
                        f"an int; it is a {type(cost).__name__}: {fmt.value(cost)}.")
        found = leaves(order)
        if found != list(range(n)):
            should = ("a chain of one matrix has the order 0 (the int)" if n == 1 else
                      f"it should hold each of the {n} matrices 0 … {n - 1} exactly once, left to right "
                      "(only the brackets change)")
            raise Wrong(f"order = {fmt.value(order)} lists the matrices {found}; {should}.")
        own = order_cost(order, dims)[2]
        if own != best_cost:
            raise Wrong(f"order = {fmt.value(order)} costs {own} multiply-adds, but the cheapest order costs "
                        f"{best_cost}, e.g. {fmt.value(best_order)}.")
        if cost != best_cost:
            raise Wrong(f"cost = {fmt.num(cost)}, but the cheapest order costs {best_cost} multiply-adds "
                        f"(your own order {fmt.value(order)} costs {own}). "
                        "A product of an (a×b) and a (b×c) matrix costs a·b·c.")
