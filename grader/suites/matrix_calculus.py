"""Hidden suite: matrix_calculus — the Matrix Cookbook identities of §3.8.

Oracle: central differences, in this trusted process, of the scalar function
itself (written here, never the learner's formula): entry by entry,
G[i] ≈ (f(X + h·eᵢ) − f(X − h·eᵢ)) / (2h) with h = STEP·max|X|. Most f here
are at most quadratic in any single entry (det X is linear in each), so their
difference is exact up to rounding, ~ε·|f|/h; for ln|det X| and tr(A⁻¹B) the
matrices have condition number ≤ 10, and truncation (~h²·f‴) plus rounding
stay below ~3e-10 of the gradient's size, far inside TOL (measured over 200
seeds). σ' is differenced elementwise in longdouble, h = STEP·max(1, |x|).

Inputs are NON-symmetric (2Ax is not (A + Aᵀ)x; A is not Aᵀ) and non-square
wherever the identity allows; fixed cases from the lecture and integer lists
besides; ln|det X| and det X also meet negative determinants. The tolerance is
TOL times a bound on the gradient's size made from the norms of the data.
When an answer equals a known wrong variant (a transpose, 2Ax, a missing
factor 2 or det X, a sign), the failure names it as the likely mistake.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest

from grader import curriculum
from grader.feedback import Feedback
from grader.outcomes import Wrong
from grader.suites import cases, checks, oracles

STEP = 2e-6  # central-difference step, relative to the variable's scale
TOL = 1e-7  # allowed error, relative to the size of the gradient
LD = np.longdouble

norm, inv, det = np.linalg.norm, np.linalg.inv, np.linalg.det
PARAMS = {f.name: f.params for f in curriculum.load().topic("matrix_calculus").functions.values()}


@dataclasses.dataclass(frozen=True)
class Identity:
    f: str  # the scalar function, in the lecture's notation
    variable: str  # the parameter it is differentiated by
    value: Callable  # f of the (float) arguments (σ: elementwise)
    scale: Callable  # size of the gradient's entries, from norms of the data
    near_misses: tuple = ()  # known wrong answers: (mistake id, function of the arguments)
    notes: Callable = lambda *args: ()  # Feedback notes: facts about the input worth stating
    advice: str | None = None  # the note code that says how to avoid a numpy warning


def sigmoid(x):
    """σ(x) in longdouble."""
    return oracles.sigmoid(np.asarray(x, dtype=LD))


def inv_B_inv(A, B):
    A_inv = inv(A)
    return A_inv @ B @ A_inv


def det_notes(X) -> tuple:
    d = float(det(X))
    return (Feedback("matrix_calculus.negative_det" if d < 0 else "matrix_calculus.det", {"det": d}),)


IDENTITIES = {
    "grad_linear": Identity(
        "aᵀx", "x", lambda a, x: a @ x, lambda a, x: norm(a), (("matrix_calculus.linear_other_vector", lambda a, x: x),)
    ),
    "grad_quadratic": Identity(
        "xᵀAx",
        "x",
        lambda A, x: x @ A @ x,
        lambda A, x: norm(A) * norm(x),
        (
            ("matrix_calculus.quadratic_symmetric_only", lambda A, x: 2 * A @ x),
            ("matrix_calculus.quadratic_symmetric_only", lambda A, x: 2 * A.T @ x),
            ("matrix_calculus.quadratic_one_term", lambda A, x: A @ x),
            ("matrix_calculus.quadratic_one_term", lambda A, x: A.T @ x),
        ),
    ),
    "grad_trace_AX": Identity(
        "tr(AX)",
        "X",
        lambda A, X: np.trace(A @ X),
        lambda A, X: norm(A),
        (("matrix_calculus.trace_ax_not_transposed", lambda A, X: A),),
    ),
    "grad_trace_AXB": Identity(
        "tr(AXB)",
        "X",
        lambda A, X, B: np.trace(A @ X @ B),
        lambda A, X, B: norm(A) * norm(B),
        (
            ("matrix_calculus.trace_axb_transposed", lambda A, X, B: B @ A),
            ("matrix_calculus.trace_axb_order", lambda A, X, B: B.T @ A.T),
            ("matrix_calculus.trace_axb_b_not_transposed", lambda A, X, B: A.T @ B),
        ),
    ),
    "grad_trace_XtAX": Identity(
        "tr(XᵀAX)",
        "X",
        lambda A, X: np.trace(X.T @ A @ X),
        lambda A, X: norm(A) * norm(X),
        (
            ("matrix_calculus.xtax_symmetric_only", lambda A, X: 2 * A @ X),
            ("matrix_calculus.xtax_symmetric_only", lambda A, X: 2 * A.T @ X),
            ("matrix_calculus.xtax_one_term", lambda A, X: A @ X),
            ("matrix_calculus.xtax_one_term", lambda A, X: A.T @ X),
        ),
    ),
    "grad_frobenius_sq": Identity(
        "‖X‖_F²",
        "X",
        lambda X: np.sum(X * X),
        lambda X: norm(X),
        (
            ("matrix_calculus.frobenius_missing_2", lambda X: X),
            ("matrix_calculus.frobenius_of_the_norm", lambda X: X / norm(X)),
        ),
    ),
    "grad_logdet": Identity(
        "ln|det X|",
        "X",
        lambda X: np.linalg.slogdet(X)[1],
        lambda X: norm(inv(X)),
        (
            ("matrix_calculus.logdet_not_transposed", inv),
            ("matrix_calculus.logdet_gradient_of_det", lambda X: det(X) * inv(X).T),
        ),
        det_notes,
    ),
    "grad_det": Identity(
        "det X",
        "X",
        det,
        lambda X: abs(det(X)) * norm(inv(X)),
        (
            ("matrix_calculus.det_missing_factor", lambda X: inv(X).T),
            ("matrix_calculus.det_inverse", inv),
            ("matrix_calculus.det_not_transposed", lambda X: det(X) * inv(X)),
            ("matrix_calculus.det_sign_lost", lambda X: abs(det(X)) * inv(X).T),
        ),
        det_notes,
    ),
    "grad_least_squares": Identity(
        "‖Ax − b‖²",
        "x",
        lambda A, x, b: np.sum((A @ x - b) ** 2),
        lambda A, x, b: norm(A) * (norm(A) * norm(x) + norm(b)),
        (
            ("matrix_calculus.least_squares_missing_2", lambda A, x, b: A.T @ (A @ x - b)),
            ("matrix_calculus.least_squares_a_not_transposed", lambda A, x, b: 2 * A @ (A @ x - b)),
            ("matrix_calculus.least_squares_residual", lambda A, x, b: 2 * (A @ x - b)),
        ),
    ),
    "grad_trace_inv": Identity(
        "tr(A⁻¹B)",
        "A",
        lambda A, B: np.trace(np.linalg.solve(A, B)),
        lambda A, B: norm(inv(A)) ** 2 * norm(B),
        (
            ("matrix_calculus.trace_inv_not_transposed", lambda A, B: -inv_B_inv(A, B)),
            ("matrix_calculus.trace_inv_sign", lambda A, B: inv_B_inv(A, B).T),
            ("matrix_calculus.trace_inv_b_not_transposed", lambda A, B: -inv(A).T @ B @ inv(A).T),
            ("matrix_calculus.trace_inv_of_ab", lambda A, B: B.T),
        ),
    ),
    "sigmoid_derivative": Identity(
        "σ(x)",
        "x",
        sigmoid,
        lambda x: 0.25,
        (
            ("matrix_calculus.sigmoid_plus", lambda x: sigmoid(x) * (1 + sigmoid(x))),
            ("matrix_calculus.sigmoid_itself", sigmoid),
        ),
        advice="matrix_calculus.sigmoid_stable",
    ),
}
OVERFLOW = 709.0  # |x| beyond which e^(−x) or e^x overflows


def near_misses(identity, args, G) -> list:
    """(mistake, value) of the identity's known wrong answers that these shapes allow, then the
    wrong answers any gradient G has: its negative, a factor 2 off, its transpose."""
    out = []
    for mistake, fn in identity.near_misses:
        try:
            out.append((mistake, np.asarray(fn(*args), dtype=float)))
        except ValueError:  # the shapes do not fit this variant (matmul mismatch)
            pass
    out += [("matrix_calculus.negated", -G), ("matrix_calculus.twice", 2 * G), ("matrix_calculus.half", G / 2)]
    return out + ([("matrix_calculus.transposed", G.T)] if G.ndim == 2 else [])


# --- the oracle ----------------------------------------------------------------------


def central_differences(f, X) -> np.ndarray:
    """∂f/∂X entry by entry, step STEP·max|X|."""
    return oracles.central_differences(f, X, STEP * max(float(np.max(np.abs(X))), 1e-300))


@oracles.remembered
def numerical(name, args) -> np.ndarray:
    identity = IDENTITIES[name]
    if name == "sigmoid_derivative":
        x = np.asarray(args[0], dtype=LD)
        h = STEP * np.maximum(1, np.abs(x))
        return np.asarray((sigmoid(x + h) - sigmoid(x - h)) / (2 * h), dtype=float)
    k = PARAMS[name].index(identity.variable)
    return central_differences(lambda V: identity.value(*args[:k], V, *args[k + 1 :]), args[k])


# --- judging one answer --------------------------------------------------------------


def judge(learner, name, given) -> None:
    """The answer against central differences; a failure carries the notes on the input and the
    known mistake its numbers fit."""
    identity = IDENTITIES[name]
    args = [np.asarray(a, dtype=float) for a in given]
    try:
        raw = learner.call(name, *given)
    except Wrong as wrong:
        raise wrong.naming("matrix_calculus.in_place" if wrong.feedback.code == "check.mutated" else None)
    expected = numerical(name, args)
    allowed = TOL * identity.scale(*args)
    try:
        check(learner, name, identity, raw, expected, allowed, args)
    except Wrong as wrong:
        wrong.feedback = dataclasses.replace(wrong.feedback, notes=wrong.feedback.notes + identity.notes(*args))
        known = near_misses(identity, args, expected)
        raise wrong.naming(wrong.feedback.mistake or checks.near_miss(raw, expected, known, allowed))


def check(learner, name, identity, raw, expected, allowed, args) -> None:
    where = {"function": name, "f": identity.f, "variable": identity.variable}
    called = f"{name}({', '.join(PARAMS[name])})"
    if expected.ndim == 0:
        try:
            got = checks.scalar(raw, called, finite=False)
        except Wrong as wrong:
            one = isinstance(raw, np.ndarray) and raw.size == 1 and checks.same(raw.ravel()[0], expected, allowed)
            raise wrong.naming("matrix_calculus.number_as_array" if one else None)
    else:
        if isinstance(raw, np.ndarray) and raw.shape != expected.shape:
            raise Wrong("matrix_calculus.gradient_shape", shape=raw.shape, expected_shape=expected.shape, **where)
        try:
            got = checks.array(raw, called, expected.shape, finite=False)
        except Wrong as wrong:
            right = isinstance(raw, np.ndarray) and raw.dtype.kind in "iub" and checks.same(raw, expected, allowed)
            raise wrong.naming("matrix_calculus.integer_dtype" if right else None)
    if name == "sigmoid_derivative":
        checks.close(got, expected, name, tol=allowed, code="matrix_calculus.sigmoid", **where)
    else:
        checks.close(got, expected, name, tol=allowed, code="matrix_calculus.gradient", **where)
    try:
        checks.no_warnings(learner, name, identity.advice)
    except Wrong as wrong:
        overflows = name == "sigmoid_derivative" and np.max(np.abs(args[0])) > OVERFLOW
        raise wrong.naming("matrix_calculus.sigmoid_overflow" if overflows else None)


def run(learner, seed, name, table, case) -> None:
    for draw in range(3 if case.startswith("random") else 1):
        given = table[case](cases.rng(seed, name, case, draw))
        judge(learner, name, given if len(PARAMS[name]) > 1 else (given,))


def table_cases(table, gated=()):
    """The table's case names, those in ``gated`` (whose right answer is 0) marked gated."""
    return [pytest.param(c, marks=pytest.mark.gated) if c in gated else c for c in table]


# --- inputs --------------------------------------------------------------------------


def invertible(g, n, sign=0, scale=1.0) -> np.ndarray:
    """Non-symmetric, condition number 10; with sign ±1, det of that sign."""
    M = cases.conditioned(g, n, n, cond=10.0, scale=scale * g.uniform(0.5, 3.0))
    if sign * det(M) < 0:
        M[0] = -M[0]
    return M


def integer_matrix(g, n, cond=20.0) -> list:
    """A non-symmetric integer matrix (nested lists) with condition number ≤ cond."""
    while True:
        a = g.integers(-5, 6, size=(n, n))
        if not np.array_equal(a, a.T) and np.linalg.cond(a) <= cond:
            return a.tolist()


def integers(g, *shape) -> list:
    """Nonzero integers in −5…5 as nested lists."""
    return (g.choice([-1, 1], shape) * g.integers(1, 6, shape)).tolist()


LECTURE_A, LECTURE_X = [[2.0, 1.0], [1.0, 3.0]], [[2.0, 0.5], [0.5, 3.0]]

LINEAR = {
    "random": lambda g: (g.standard_normal(6), g.standard_normal(6)),
    "single": lambda g: (g.standard_normal(1), g.standard_normal(1)),
    "integers": lambda g: (integers(g, 4), integers(g, 4)),
}
QUADRATIC = {
    "random": lambda g: (g.standard_normal((5, 5)), g.standard_normal(5)),
    "upper-triangular": lambda g: (np.triu(g.standard_normal((4, 4))), g.standard_normal(4)),
    "lecture-symmetric": lambda g: (np.array(LECTURE_A), np.array([1.0, 2.0])),
    "single": lambda g: (g.standard_normal((1, 1)), g.standard_normal(1)),
    "integers": lambda g: (integer_matrix(g, 3), integers(g, 3)),
    "skew-symmetric": lambda g: (lambda M: (M - M.T, g.standard_normal(4)))(g.standard_normal((4, 4))),
}
TRACE_AX = {  # A (n, m), X (m, n)
    "random-wide-A": lambda g: (g.standard_normal((3, 5)), g.standard_normal((5, 3))),
    "random-tall-A": lambda g: (g.standard_normal((4, 2)), g.standard_normal((2, 4))),
    "square": lambda g: (g.standard_normal((4, 4)), g.standard_normal((4, 4))),
    "row-A": lambda g: (g.standard_normal((1, 4)), g.standard_normal((4, 1))),
    "integers": lambda g: (integers(g, 2, 3), integers(g, 3, 2)),
}


def axb(p, m, n, draw=lambda g, *shape: g.standard_normal(shape)):
    """A (p, m), X (m, n), B (n, p)."""
    return lambda g: (draw(g, p, m), draw(g, m, n), draw(g, n, p))


TRACE_AXB = {  # square first: a formula whose shapes only fit square matrices shows its numbers there
    "square": axb(3, 3, 3),
    "random-2x3x4": axb(2, 3, 4),
    "random-5x4x2": axb(5, 4, 2),
    "row-A-column-B": axb(1, 4, 3),
    "integers": axb(2, 3, 2, integers),
}
TRACE_XTAX = {  # A (n, n), X (n, k)
    "random-tall-X": lambda g: (g.standard_normal((5, 5)), g.standard_normal((5, 2))),
    "random-wide-X": lambda g: (g.standard_normal((2, 2)), g.standard_normal((2, 4))),
    "square": lambda g: (g.standard_normal((3, 3)), g.standard_normal((3, 3))),
    "column-X": lambda g: (g.standard_normal((4, 4)), g.standard_normal((4, 1))),
    "lecture-symmetric": lambda g: (np.array(LECTURE_A), g.standard_normal((2, 3))),
    "integers": lambda g: (integer_matrix(g, 3), integers(g, 3, 2)),
}
FROBENIUS = {
    "random": lambda g: g.standard_normal((3, 4)),
    "column": lambda g: g.standard_normal((5, 1)),
    "large-1e6": lambda g: 1e6 * g.standard_normal((2, 3)),
    "integers": lambda g: integers(g, 2, 3),
}


def one(g, sign):
    return np.array([[sign * g.uniform(0.5, 3.0)]])


DETERMINANT = {
    "random-positive-det": lambda g: invertible(g, 4, +1),
    "random-negative-det": lambda g: invertible(g, 4, -1),
    "negative-det-3x3": lambda g: invertible(g, 3, -1),
    "lecture": lambda g: np.array(LECTURE_X),
    "integers": lambda g: integer_matrix(g, 3),
    "1x1-negative": lambda g: one(g, -1),
    "large-1e3": lambda g: invertible(g, 3, -1, scale=1e3),
    "small-1e-3": lambda g: invertible(g, 3, +1, scale=1e-3),
}
LEAST_SQUARES = {  # A (m, n), x (n,), b (m,); square first, as for TRACE_AXB
    "square": lambda g: (g.standard_normal((4, 4)), g.standard_normal(4), g.standard_normal(4)),
    "random-tall": lambda g: (g.standard_normal((6, 3)), g.standard_normal(3), g.standard_normal(6)),
    "random-wide": lambda g: (g.standard_normal((3, 5)), g.standard_normal(5), g.standard_normal(3)),
    "integers": lambda g: (integers(g, 4, 2), integers(g, 2), integers(g, 4)),
    "exact-fit": lambda g: (lambda A, x: (A, x, A @ x))(g.standard_normal((5, 3)), g.standard_normal(3)),
}
TRACE_INV = {  # A (n, n) invertible, B (n, n)
    "random": lambda g: (invertible(g, 4), g.standard_normal((4, 4))),
    "random-3x3": lambda g: (invertible(g, 3), g.standard_normal((3, 3))),
    "negative-det": lambda g: (invertible(g, 3, -1), g.standard_normal((3, 3))),
    "identity-B": lambda g: (invertible(g, 3), np.eye(3)),
    "1x1": lambda g: (one(g, -1), g.standard_normal((1, 1))),
    "integers": lambda g: (integer_matrix(g, 3), integers(g, 3, 3)),
}
SIGMOID = {
    "random-1d": lambda g: 3 * g.standard_normal(7),
    "random-2d": lambda g: 3 * g.standard_normal((3, 4)),
    "3d": lambda g: 4 * g.standard_normal((2, 3, 2)),
    "number": lambda g: float(2 * g.standard_normal()),
    "integer-number": lambda g: int(g.integers(-3, 4)),
    "one-element": lambda g: g.standard_normal(1),
    "integers": lambda g: g.integers(-6, 7, (2, 5)).tolist(),
    "large-|x|": lambda g: np.array([-1e3, -750.0, -710.0, -50.0, -20.0, 0.0, 20.0, 50.0, 710.0, 750.0, 1e3]),
    "large-2d": lambda g: g.uniform(-1e3, 1e3, (4, 3)),
}


# --- one test per function -------------------------------------------------------------


@pytest.mark.function("grad_linear")
@pytest.mark.parametrize("case", table_cases(LINEAR))
def test_grad_linear(learner, seed, case):
    run(learner, seed, "grad_linear", LINEAR, case)


@pytest.mark.function("grad_quadratic")
@pytest.mark.parametrize("case", table_cases(QUADRATIC, gated={"skew-symmetric"}))
def test_grad_quadratic(learner, seed, case):
    run(learner, seed, "grad_quadratic", QUADRATIC, case)


@pytest.mark.function("grad_trace_AX")
@pytest.mark.parametrize("case", table_cases(TRACE_AX))
def test_grad_trace_AX(learner, seed, case):
    run(learner, seed, "grad_trace_AX", TRACE_AX, case)


@pytest.mark.function("grad_trace_AXB")
@pytest.mark.parametrize("case", table_cases(TRACE_AXB))
def test_grad_trace_AXB(learner, seed, case):
    run(learner, seed, "grad_trace_AXB", TRACE_AXB, case)


@pytest.mark.function("grad_trace_XtAX")
@pytest.mark.parametrize("case", table_cases(TRACE_XTAX))
def test_grad_trace_XtAX(learner, seed, case):
    run(learner, seed, "grad_trace_XtAX", TRACE_XTAX, case)


@pytest.mark.function("grad_frobenius_sq")
@pytest.mark.parametrize("case", table_cases(FROBENIUS))
def test_grad_frobenius_sq(learner, seed, case):
    run(learner, seed, "grad_frobenius_sq", FROBENIUS, case)


@pytest.mark.function("grad_logdet")
@pytest.mark.parametrize("case", table_cases(DETERMINANT))
def test_grad_logdet(learner, seed, case):
    run(learner, seed, "grad_logdet", DETERMINANT, case)


@pytest.mark.function("grad_det")
@pytest.mark.parametrize("case", table_cases(DETERMINANT))
def test_grad_det(learner, seed, case):
    run(learner, seed, "grad_det", DETERMINANT, case)


@pytest.mark.function("grad_least_squares")
@pytest.mark.parametrize("case", table_cases(LEAST_SQUARES, gated={"exact-fit"}))
def test_grad_least_squares(learner, seed, case):
    run(learner, seed, "grad_least_squares", LEAST_SQUARES, case)


@pytest.mark.function("grad_trace_inv")
@pytest.mark.parametrize("case", table_cases(TRACE_INV))
def test_grad_trace_inv(learner, seed, case):
    run(learner, seed, "grad_trace_inv", TRACE_INV, case)


@pytest.mark.function("sigmoid_derivative")
@pytest.mark.parametrize("case", table_cases(SIGMOID))
def test_sigmoid_derivative(learner, seed, case):
    run(learner, seed, "sigmoid_derivative", SIGMOID, case)
