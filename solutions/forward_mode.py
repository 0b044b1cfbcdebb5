"""Reference solution: forward_mode (lecture §3.10)."""

import math

import numpy as np


class Dual:
    """a + bε with ε² = 0: val carries f(x), deriv carries the derivative along the seed."""

    def __init__(self, val, deriv=0.0):
        self.val = float(val)
        self.deriv = float(deriv)

    def __add__(self, other):
        other = _lift(other)
        return Dual(self.val + other.val, self.deriv + other.deriv)

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        other = _lift(other)
        return Dual(self.val - other.val, self.deriv - other.deriv)

    def __rsub__(self, other):
        return _lift(other) - self

    def __mul__(self, other):
        other = _lift(other)
        return Dual(self.val * other.val, self.deriv * other.val + self.val * other.deriv)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        other = _lift(other)
        return Dual(self.val / other.val,
                    (self.deriv * other.val - self.val * other.deriv) / other.val ** 2)

    def __rtruediv__(self, other):
        return _lift(other) / self

    def __neg__(self):
        return Dual(-self.val, -self.deriv)

    def __pow__(self, p):
        if p == 0:  # x⁰ = 1 is constant, also at x = 0 where p·x^(p−1) would divide by zero
            return Dual(1.0, 0.0)
        return Dual(self.val ** p, p * self.val ** (p - 1) * self.deriv)


def _lift(x):
    """A real number as a constant Dual (derivative 0)."""
    return x if isinstance(x, Dual) else Dual(x)


def _chain(x, f, df):
    """f(x) for a real x; for a Dual, the chain rule: Dual(f(a), f'(a)·ȧ)."""
    if isinstance(x, Dual):
        return Dual(f(x.val), df(x.val) * x.deriv)
    return f(x)


def sin(x):
    return _chain(x, math.sin, math.cos)


def cos(x):
    return _chain(x, math.cos, lambda a: -math.sin(a))


def exp(x):
    return _chain(x, math.exp, math.exp)


def log(x):
    return _chain(x, math.log, lambda a: 1.0 / a)


def tanh(x):
    return _chain(x, math.tanh, lambda a: 1.0 - math.tanh(a) ** 2)


def derivative(f, x):
    return f(Dual(x, 1.0)).deriv


def jacobian_forward(f, x):
    x = np.asarray(x, dtype=float)
    n = x.size
    columns = []
    for j in range(n):  # one forward pass per input: seed x[j] with 1, the others with 0
        out = f([Dual(x[i], 1.0 if i == j else 0.0) for i in range(n)])
        outputs = [out] if isinstance(out, Dual) else out
        columns.append([y.deriv for y in outputs])
    return np.array(columns, dtype=float).T
