"""Topic 10 — Forward-mode automatic differentiation with dual numbers (lecture §3.10).

A dual number a + bε with ε² = 0 carries a value and a derivative together:
(a + bε)(c + dε) = ac + (ad + bc)ε is exactly the product rule. Start from
x = Dual(x₀, 1.0) (the seed dx/dx = 1), push it through any expression built
from + − × ÷, powers and sin/cos/exp/log/tanh, and the result's deriv is the
derivative at x₀: exact, with no step size, in one forward pass. With n
inputs, one pass per input gives the whole Jacobian, one column at a time.

Check your work with `grader check forward_mode`; stuck? `grader hint forward_mode`.
"""

import math

import numpy as np


class Dual:
    """A dual number val + deriv·ε (ε² = 0): a value and its derivative along the seed.

    Math: every operation maps (value, derivative) pairs by its own rule:
        (a, ȧ) ± (b, ḃ) = (a ± b, ȧ ± ḃ)
        (a, ȧ) · (b, ḃ) = (a·b, ȧ·b + a·ḃ)                 (product rule)
        (a, ȧ) / (b, ḃ) = (a/b, (ȧ·b − a·ḃ)/b²)            (quotient rule)
        −(a, ȧ)         = (−a, −ȧ)
        (a, ȧ) ** p     = (aᵖ, p·aᵖ⁻¹·ȧ)                    (p a real number)
    A plain real number c is the constant Dual(c, 0.0).

    Args:
        val: the value, a real number (ints allowed).
        deriv: the derivative carried along, a real number; 0.0 by default
            (a constant).

    Attributes ``val`` and ``deriv`` hold the two numbers. ``+ - * /`` work
    with a Dual or a real number on either side (2 * x, x / 3, 1 - x, 2 / x),
    unary ``-`` and ``x ** p`` for a real exponent p (negative, fractional, 0
    or 1 too; fractional p needs val > 0). Every operation returns a new Dual
    and leaves its operands unchanged.

    Forbidden: nothing.
    """

    def __init__(self, val, deriv=0.0):
        """Store val and deriv (as numbers)."""
        raise NotImplementedError("Dual is not written yet")

    def __add__(self, other):
        """self + other, other a Dual or a real number."""
        raise NotImplementedError("Dual.__add__ is not written yet")

    def __radd__(self, other):
        """other + self, for a real number other (Python calls this for 2 + x)."""
        raise NotImplementedError("Dual.__radd__ is not written yet")

    def __sub__(self, other):
        """self − other, other a Dual or a real number."""
        raise NotImplementedError("Dual.__sub__ is not written yet")

    def __rsub__(self, other):
        """other − self, for a real number other (1 − x: the number comes first)."""
        raise NotImplementedError("Dual.__rsub__ is not written yet")

    def __mul__(self, other):
        """self · other by the product rule, other a Dual or a real number."""
        raise NotImplementedError("Dual.__mul__ is not written yet")

    def __rmul__(self, other):
        """other · self, for a real number other (2 * x)."""
        raise NotImplementedError("Dual.__rmul__ is not written yet")

    def __truediv__(self, other):
        """self / other by the quotient rule, other a Dual or a real number."""
        raise NotImplementedError("Dual.__truediv__ is not written yet")

    def __rtruediv__(self, other):
        """other / self, for a real number other (2 / x: d(2/x) = −2·ẋ/x²)."""
        raise NotImplementedError("Dual.__rtruediv__ is not written yet")

    def __neg__(self):
        """−self."""
        raise NotImplementedError("Dual.__neg__ is not written yet")

    def __pow__(self, p):
        """self ** p for a real number p: (aᵖ, p·aᵖ⁻¹·ȧ); x ** 0 is the constant 1."""
        raise NotImplementedError("Dual.__pow__ is not written yet")


def sin(x):
    """sin of a Dual or of a real number.

    Math (chain rule): sin(Dual(a, ȧ)) = Dual(sin a, cos a · ȧ).

    Args:
        x: a Dual, or a real number (int or float).

    Returns:
        A Dual for a Dual; a plain float for a real number (sin(0.5) is the
        float 0.479…, not a Dual), so the same expression works on both.

    Forbidden: nothing.
    """
    raise NotImplementedError("sin is not written yet")


def cos(x):
    """cos of a Dual or of a real number.

    Math (chain rule): cos(Dual(a, ȧ)) = Dual(cos a, −sin a · ȧ).

    Args:
        x: a Dual, or a real number (int or float).

    Returns:
        A Dual for a Dual; a plain float for a real number.

    Forbidden: nothing.
    """
    raise NotImplementedError("cos is not written yet")


def exp(x):
    """exp of a Dual or of a real number.

    Math (chain rule): exp(Dual(a, ȧ)) = Dual(eᵃ, eᵃ · ȧ).

    Args:
        x: a Dual, or a real number (int or float).

    Returns:
        A Dual for a Dual; a plain float for a real number.

    Forbidden: nothing.
    """
    raise NotImplementedError("exp is not written yet")


def log(x):
    """Natural logarithm of a Dual or of a real number, for values > 0.

    Math (chain rule): log(Dual(a, ȧ)) = Dual(ln a, ȧ / a).

    Args:
        x: a Dual with val > 0, or a real number > 0 (int or float).

    Returns:
        A Dual for a Dual; a plain float for a real number.

    Forbidden: nothing.
    """
    raise NotImplementedError("log is not written yet")


def tanh(x):
    """tanh of a Dual or of a real number.

    Math (chain rule): tanh(Dual(a, ȧ)) = Dual(tanh a, (1 − tanh² a) · ȧ).

    Args:
        x: a Dual, or a real number (int or float).

    Returns:
        A Dual for a Dual; a plain float for a real number.

    Forbidden: nothing.
    """
    raise NotImplementedError("tanh is not written yet")


def derivative(f, x):
    """f'(x) for f: R → R by one forward pass.

    Math: f(Dual(x, 1.0)) = Dual(f(x), f'(x)): seed the input with
    derivative 1 and read the output's deriv.

    Args:
        f: a function of one argument built from Dual operations and this
            module's sin, cos, exp, log, tanh; it returns a Dual when given one.
        x: a real number (int or float).

    Returns:
        f'(x) as a float (not a Dual). Exact up to rounding: no step size.

    Forbidden: nothing.
    """
    raise NotImplementedError("derivative is not written yet")


def jacobian_forward(f, x):
    """The Jacobian of f: Rⁿ → Rᵐ by forward mode, one pass per input.

    Math: J[i, j] = ∂fᵢ/∂xⱼ. Pass j calls f on the list
    [Dual(x[0], 0), …, Dual(x[j], 1), …, Dual(x[n−1], 0)] (seed input j);
    the derivs of the m outputs are column j of J.

    Args:
        f: takes a list of n Duals and returns a list of m Duals, or a single
            Dual (then m = 1).
        x: array-like of shape (n,); integers allowed; left unchanged.

    Returns:
        J: float array of shape (m, n). f is called exactly n times.

    Forbidden: nothing.
    """
    raise NotImplementedError("jacobian_forward is not written yet")
