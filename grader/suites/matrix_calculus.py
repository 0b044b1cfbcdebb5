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
factor 2 or det X, a sign), the message names it.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np
import pytest

from grader import curriculum, fmt
from grader.outcomes import Wrong
from grader.suites import cases, checks, oracles

STEP = 2e-6  # central-difference step, relative to the variable's scale
TOL = 1e-7  # allowed error, relative to the size of the gradient
LD = np.longdouble

norm, inv, det = np.linalg.norm, np.linalg.inv, np.linalg.det
PARAMS = {f.name: f.params for f in curriculum.load().topic("matrix_calculus").functions.values()}


@dataclasses.dataclass(frozen=True)
class Identity:
    f: str                         # the scalar function, as the learner reads it
    variable: str                  # the parameter it is differentiated by
    value: Callable                # f of the (float) arguments (σ: elementwise)
    scale: Callable                # size of the gradient's entries, from norms of the data
    variants: tuple = ()           # known wrong answers: (function of the arguments, what it is)
    note: Callable[..., str] = lambda *args: ""   # a fact about the input worth stating
    advice: str = ""               # what to do about a numpy warning


def sigmoid(x):
    """σ(x) in longdouble."""
    return oracles.sigmoid(np.asarray(x, dtype=LD))


def inv_B_inv(A, B):
    A_inv = inv(A)
    return A_inv @ B @ A_inv


def det_note(X) -> str:
    return f"here det X = {fmt.num(det(X))}"


def logdet_note(X) -> str:
    d = det(X)
    return f"here det X = {fmt.num(d)}" + (" < 0, so |det X| = −det X" if d < 0 else "")


SYMMETRIC_ONLY = ("the gradient for a symmetric A only. This A is not symmetric: {x} appears in {f} as the row "
                  "index and as the column index, one term with A, one with Aᵀ")

IDENTITIES = {
    "grad_linear": Identity("aᵀx", "x", lambda a, x: a @ x, lambda a, x: norm(a), (
        (lambda a, x: x, "x, the other vector: a small step along x[k] changes aᵀx by a[k] times the step"),)),
    "grad_quadratic": Identity("xᵀAx", "x", lambda A, x: x @ A @ x, lambda A, x: norm(A) * norm(x), (
        (lambda A, x: 2 * A @ x, "2Ax, " + SYMMETRIC_ONLY.format(x="x", f="xᵀAx = Σᵢⱼ xᵢAᵢⱼxⱼ")),
        (lambda A, x: 2 * A.T @ x, "2Aᵀx, " + SYMMETRIC_ONLY.format(x="x", f="xᵀAx = Σᵢⱼ xᵢAᵢⱼxⱼ")),
        (lambda A, x: A @ x, "Ax, one of the two terms: x appears twice in xᵀAx"),
        (lambda A, x: A.T @ x, "Aᵀx, one of the two terms: x appears twice in xᵀAx"))),
    "grad_trace_AX": Identity("tr(AX)", "X", lambda A, X: np.trace(A @ X), lambda A, X: norm(A), (
        (lambda A, X: A, "A itself, the transpose of the gradient: tr(AX) = Σᵢⱼ AᵢⱼXⱼᵢ, "
                         "so ∂f/∂X[j, i] = A[i, j]"),)),
    "grad_trace_AXB": Identity(
        "tr(AXB)", "X", lambda A, X, B: np.trace(A @ X @ B), lambda A, X, B: norm(A) * norm(B), (
            (lambda A, X, B: B @ A, "BA, the transpose of the gradient: tr(AXB) = tr(BAX), and tr(CX) has the "
                                    "gradient Cᵀ"),
            (lambda A, X, B: B.T @ A.T, "BᵀAᵀ: the right factors in the wrong order, (BA)ᵀ = AᵀBᵀ"),
            (lambda A, X, B: A.T @ B, "AᵀB: B must be transposed as well"))),
    "grad_trace_XtAX": Identity(
        "tr(XᵀAX)", "X", lambda A, X: np.trace(X.T @ A @ X), lambda A, X: norm(A) * norm(X), (
            (lambda A, X: 2 * A @ X, "2AX, " + SYMMETRIC_ONLY.format(x="each column xₖ of X", f="xₖᵀAxₖ")),
            (lambda A, X: 2 * A.T @ X, "2AᵀX, " + SYMMETRIC_ONLY.format(x="each column xₖ of X", f="xₖᵀAxₖ")),
            (lambda A, X: A @ X, "AX, one of the two terms: X appears twice in XᵀAX"),
            (lambda A, X: A.T @ X, "AᵀX, one of the two terms: X appears twice in XᵀAX"))),
    "grad_frobenius_sq": Identity("‖X‖_F²", "X", lambda X: np.sum(X * X), lambda X: norm(X), (
        (lambda X: X, "X: the factor 2 of d(t²)/dt = 2t is missing"),
        (lambda X: X / norm(X), "X/‖X‖_F, the gradient of ‖X‖_F, not of its square"))),
    "grad_logdet": Identity(
        "ln|det X|", "X", lambda X: np.linalg.slogdet(X)[1], lambda X: norm(inv(X)), (
            (inv, "X⁻¹ without the transpose: ∂ det X/∂X[i, j] is the cofactor Cᵢⱼ, and X⁻¹ = Cᵀ/det X"),
            (lambda X: det(X) * inv(X).T, "det X·X⁻ᵀ, the gradient of det X, not of ln|det X|")),
        logdet_note, "ln|det X| is defined for a negative det X too, and its gradient needs no logarithm at all."),
    "grad_det": Identity(
        "det X", "X", det, lambda X: abs(det(X)) * norm(inv(X)), (
            (lambda X: inv(X).T, "X⁻ᵀ, the gradient of ln|det X|: the factor det X is missing"),
            (inv, "X⁻¹: the factor det X and the transpose are missing"),
            (lambda X: det(X) * inv(X), "det X·X⁻¹ without the transpose: ∂ det X/∂X[i, j] is the cofactor "
                                        "Cᵢⱼ, and X⁻¹ = Cᵀ/det X"),
            (lambda X: abs(det(X)) * inv(X).T, "|det X|·X⁻ᵀ: the sign of det X is lost (slogdet returns it "
                                               "separately)")),
        det_note),
    "grad_least_squares": Identity(
        "‖Ax − b‖²", "x", lambda A, x, b: np.sum((A @ x - b) ** 2),
        lambda A, x, b: norm(A) * (norm(A) * norm(x) + norm(b)), (
            (lambda A, x, b: A.T @ (A @ x - b), "Aᵀ(Ax − b): the factor 2 of the square is missing"),
            (lambda A, x, b: 2 * A @ (A @ x - b), "2A(Ax − b): A where the chain rule needs Aᵀ (the Jacobian of "
                                                  "Ax − b is A; its transpose carries the residual back to x)"),
            (lambda A, x, b: 2 * (A @ x - b), "2(Ax − b), the gradient with respect to the residual r = Ax − b: "
                                              "the chain rule still has to carry it back to x"))),
    "grad_trace_inv": Identity(
        "tr(A⁻¹B)", "A", lambda A, B: np.trace(np.linalg.solve(A, B)),
        lambda A, B: norm(inv(A)) ** 2 * norm(B), (
            (lambda A, B: -inv_B_inv(A, B), "−A⁻¹BA⁻¹, the transpose of the gradient: df = −tr(A⁻¹BA⁻¹·dA), "
                                            "and tr(C·dA) has the gradient Cᵀ"),
            (lambda A, B: inv_B_inv(A, B).T, "(A⁻¹BA⁻¹)ᵀ without the minus sign of d(A⁻¹) = −A⁻¹·dA·A⁻¹"),
            (lambda A, B: -inv(A).T @ B @ inv(A).T, "−A⁻ᵀBA⁻ᵀ: B must be transposed as well, "
                                                    "(A⁻¹BA⁻¹)ᵀ = A⁻ᵀBᵀA⁻ᵀ"),
            (lambda A, B: B.T, "Bᵀ, the gradient of tr(AB), not of tr(A⁻¹B)"))),
    "sigmoid_derivative": Identity("σ(x) elementwise", "x", sigmoid, lambda x: 0.25, (
        (lambda x: sigmoid(x) * (1 + sigmoid(x)), "σ(1 + σ): the sign is wrong, "
                                                  "σ'(x) = e^(−x)/(1 + e^(−x))² = σ(x)·(1 − σ(x))"),
        (sigmoid, "σ(x) itself, not its derivative")),
        advice="σ' is even, σ'(x) = σ'(−|x|): compute it from e^(−|x|), which never overflows."),
}


def known_variants(identity, args) -> list:
    """(value, what it is) of the identity's wrong variants that these shapes allow."""
    out = []
    for fn, what in identity.variants:
        try:
            out.append((np.asarray(fn(*args), dtype=float), what))
        except ValueError:  # the shapes do not fit this variant (matmul mismatch)
            pass
    return out


def generic_variants(G) -> list:
    """Wrong answers any gradient G has: its negative, a factor 2 off, its transpose."""
    out = [(-G, "the negative of the gradient (a sign error)"), (2 * G, "twice the gradient"),
           (G / 2, "half the gradient (a factor 2 is missing)")]
    if G.ndim == 2:
        out.append((G.T, "the transpose of the gradient: entry [i, j] must be ∂f/∂X[i, j]"))
    return out


# --- the oracle ----------------------------------------------------------------------

def central_differences(f, X) -> np.ndarray:
    """∂f/∂X entry by entry, step STEP·max|X|."""
    return oracles.central_differences(f, X, STEP * max(float(np.max(np.abs(X))), 1e-300))


def numerical(name, args) -> np.ndarray:
    identity = IDENTITIES[name]
    if name == "sigmoid_derivative":
        x = np.asarray(args[0], dtype=LD)
        h = STEP * np.maximum(1, np.abs(x))
        return np.asarray((sigmoid(x + h) - sigmoid(x - h)) / (2 * h), dtype=float)
    k = PARAMS[name].index(identity.variable)
    return central_differences(lambda V: identity.value(*args[:k], V, *args[k + 1:]), args[k])


# --- judging one answer --------------------------------------------------------------

def numeric(x) -> bool:
    return isinstance(x, (float, np.ndarray)) and np.asarray(x).dtype.kind in "iuf"


def near(a, b, allowed) -> bool:
    return np.shape(a) == np.shape(b) and bool(np.all(np.abs(np.asarray(a) - b) <= allowed))


def side_by_side(got, expected, f, allowed) -> str:
    """The two arrays, the numerical one with its rounding noise (entries within ``allowed`` of 0) shown as 0."""
    shown = np.where(np.abs(expected) <= allowed, 0.0, expected)
    return (f"\n  yours               {fmt.array(np.asarray(got), 22)}"
            f"\n  central differences {fmt.array(shown, 22)}   (of f = {f}, computed by the grader)")


def judge(learner, name, given) -> None:
    identity = IDENTITIES[name]
    args = [np.asarray(a, dtype=float) for a in given]
    got = learner.call(name, *given)
    expected = numerical(name, args)
    allowed = TOL * identity.scale(*args)
    if expected.ndim == 0:
        got = checks.scalar(got, f"{name}({identity.variable}) for a number {identity.variable}")
    if not (numeric(got) and near(got, expected, allowed)):
        diagnose(learner, name, got, expected, allowed, args)
    if expected.ndim:
        checks.array(got, f"{name}'s result", expected.shape)
    checks.no_warnings(learner, name, identity.advice)


def diagnose(learner, name, got, expected, allowed, args):
    """Raise Wrong for an answer that is not the gradient: a known variant, a warning, a shape, or the numbers."""
    identity = IDENTITIES[name]
    note = identity.note(*args)
    lead = f"{name} should return ∂f/∂{identity.variable} for f = {identity.f}" + (f" ({note})" if note else "")
    if numeric(got):
        for value, what in [*known_variants(identity, args), *generic_variants(expected)]:
            if near(got, value, allowed) and not near(value, expected, allowed):
                raise Wrong(f"{lead}. Your answer is {what}.{side_by_side(got, expected, identity.f, allowed)}")
    checks.no_warnings(learner, name, identity.advice)
    if isinstance(got, np.ndarray) and got.shape != expected.shape:
        raise Wrong(f"{lead}. Your answer has shape {got.shape}; a gradient has the shape of its variable, "
                    f"here {identity.variable} {expected.shape}.")
    if expected.ndim:
        checks.array(got, f"{name}'s result", expected.shape)
    err = np.abs(np.asarray(got, dtype=float) - expected)
    err = np.where(np.isnan(err), np.inf, err)
    at = np.unravel_index(int(np.argmax(err)), err.shape)
    where = f"at [{', '.join(map(str, at))}]" if at else ""
    raise Wrong(f"{lead}; central differences disagree. The largest error is {where or 'in the value'}: yours "
                f"{float(np.asarray(got)[at]):.10g}, numerical {expected[at]:.10g} (error {err[at]:.2g}, "
                f"allowed {allowed:.2g}).{side_by_side(got, expected, identity.f, allowed)}")


def run(learner, seed, name, table, case) -> None:
    for draw in range(3 if case.startswith("random") else 1):
        given = table[case](cases.rng(seed, name, case, draw))
        judge(learner, name, given if len(PARAMS[name]) > 1 else (given,))


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
    "skew-symmetric": lambda g: (lambda M: (M - M.T, g.standard_normal(4)))(g.standard_normal((4, 4))),
    "lecture-symmetric": lambda g: (np.array(LECTURE_A), np.array([1.0, 2.0])),
    "single": lambda g: (g.standard_normal((1, 1)), g.standard_normal(1)),
    "integers": lambda g: (integer_matrix(g, 3), integers(g, 3)),
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


TRACE_AXB = {
    "random-2x3x4": axb(2, 3, 4),
    "random-5x4x2": axb(5, 4, 2),
    "square": axb(3, 3, 3),
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
LEAST_SQUARES = {  # A (m, n), x (n,), b (m,)
    "random-tall": lambda g: (g.standard_normal((6, 3)), g.standard_normal(3), g.standard_normal(6)),
    "random-wide": lambda g: (g.standard_normal((3, 5)), g.standard_normal(5), g.standard_normal(3)),
    "square": lambda g: (g.standard_normal((4, 4)), g.standard_normal(4), g.standard_normal(4)),
    "exact-fit": lambda g: (lambda A, x: (A, x, A @ x))(g.standard_normal((5, 3)), g.standard_normal(3)),
    "integers": lambda g: (integers(g, 4, 2), integers(g, 2), integers(g, 4)),
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
@pytest.mark.parametrize("case", LINEAR)
def test_grad_linear(learner, seed, case):
    run(learner, seed, "grad_linear", LINEAR, case)


@pytest.mark.function("grad_quadratic")
@pytest.mark.parametrize("case", QUADRATIC)
def test_grad_quadratic(learner, seed, case):
    run(learner, seed, "grad_quadratic", QUADRATIC, case)


@pytest.mark.function("grad_trace_AX")
@pytest.mark.parametrize("case", TRACE_AX)
def test_grad_trace_AX(learner, seed, case):
    run(learner, seed, "grad_trace_AX", TRACE_AX, case)


@pytest.mark.function("grad_trace_AXB")
@pytest.mark.parametrize("case", TRACE_AXB)
def test_grad_trace_AXB(learner, seed, case):
    run(learner, seed, "grad_trace_AXB", TRACE_AXB, case)


@pytest.mark.function("grad_trace_XtAX")
@pytest.mark.parametrize("case", TRACE_XTAX)
def test_grad_trace_XtAX(learner, seed, case):
    run(learner, seed, "grad_trace_XtAX", TRACE_XTAX, case)


@pytest.mark.function("grad_frobenius_sq")
@pytest.mark.parametrize("case", FROBENIUS)
def test_grad_frobenius_sq(learner, seed, case):
    run(learner, seed, "grad_frobenius_sq", FROBENIUS, case)


@pytest.mark.function("grad_logdet")
@pytest.mark.parametrize("case", DETERMINANT)
def test_grad_logdet(learner, seed, case):
    run(learner, seed, "grad_logdet", DETERMINANT, case)


@pytest.mark.function("grad_det")
@pytest.mark.parametrize("case", DETERMINANT)
def test_grad_det(learner, seed, case):
    run(learner, seed, "grad_det", DETERMINANT, case)


@pytest.mark.function("grad_least_squares")
@pytest.mark.parametrize("case", LEAST_SQUARES)
def test_grad_least_squares(learner, seed, case):
    run(learner, seed, "grad_least_squares", LEAST_SQUARES, case)


@pytest.mark.function("grad_trace_inv")
@pytest.mark.parametrize("case", TRACE_INV)
def test_grad_trace_inv(learner, seed, case):
    run(learner, seed, "grad_trace_inv", TRACE_INV, case)


@pytest.mark.function("sigmoid_derivative")
@pytest.mark.parametrize("case", SIGMOID)
def test_sigmoid_derivative(learner, seed, case):
    run(learner, seed, "sigmoid_derivative", SIGMOID, case)
