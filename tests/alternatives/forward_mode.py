"""An independent correct forward_mode (not a copy of solutions/): other valid choices.

Each operator is written per operand type instead of lifting numbers to Duals,
x ** p goes through math.pow, the module functions use numpy (numpy floats
are valid plain numbers), derivative returns a numpy float, and
jacobian_forward fills the columns of a preallocated J.
"""

import numpy as np


class Dual:
    def __init__(self, val, deriv=0.0):
        self.val = float(val)
        self.deriv = float(deriv)

    def __add__(self, other):
        if isinstance(other, Dual):
            return Dual(self.val + other.val, self.deriv + other.deriv)
        return Dual(self.val + other, self.deriv)

    __radd__ = __add__

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def __mul__(self, other):
        if isinstance(other, Dual):
            return Dual(self.val * other.val, self.val * other.deriv + other.val * self.deriv)
        return Dual(self.val * other, self.deriv * other)

    __rmul__ = __mul__

    def __truediv__(self, other):
        if isinstance(other, Dual):
            return self * other._reciprocal()
        return Dual(self.val / other, self.deriv / other)

    def __rtruediv__(self, other):
        return self._reciprocal() * other

    def _reciprocal(self):
        return Dual(1.0 / self.val, -self.deriv / (self.val * self.val))

    def __neg__(self):
        return Dual(-self.val, -self.deriv)

    def __pow__(self, p):
        if p == 0:
            return Dual(1.0)
        return Dual(self.val**p, p * self.val ** (p - 1) * self.deriv)


def _apply(x, f, df):
    if not isinstance(x, Dual):
        return f(x)
    return Dual(f(x.val), x.deriv * df(x.val))


def sin(x):
    return _apply(x, np.sin, np.cos)


def cos(x):
    return _apply(x, np.cos, lambda a: -np.sin(a))


def exp(x):
    return _apply(x, np.exp, np.exp)


def log(x):
    return _apply(x, np.log, np.reciprocal)


def tanh(x):
    return _apply(x, np.tanh, lambda a: 1.0 / np.cosh(a) ** 2)


def derivative(f, x):
    return np.float64(f(Dual(x, 1)).deriv)


def jacobian_forward(f, x):
    xs = [float(v) for v in np.ravel(x)]
    n = len(xs)
    J = None
    for j in range(n):
        out = f([Dual(v, float(i == j)) for i, v in enumerate(xs)])
        column = [out.deriv] if isinstance(out, Dual) else [y.deriv for y in out]
        if J is None:
            J = np.empty((len(column), n))
        J[:, j] = column
    return J
