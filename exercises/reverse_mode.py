"""Topic 11 — A tape-free reverse-mode autodiff (lecture §1.5, §3.10).

This is what PyTorch's backward() does, in a few dozen lines. Every Var
remembers the Vars it was computed from and the local derivative of the
operation that made it. backward() then walks the graph once, from the output
back to the inputs, and applies the chain rule at every node:
parent.grad += (∂node/∂parent) · node.grad. One backward pass gives the
derivative of one output with respect to *every* input — which is why a loss
with millions of parameters costs a single backward pass, while forward mode
(topic 10) would need one pass per parameter.

Check your work with `grader check reverse_mode`; stuck? `grader hint reverse_mode`.
"""

import math

import numpy as np


class Var:
    """A scalar that records how it was computed, so that backward() can differentiate it.

    Attributes:
        data: the value (a float).
        grad: ∂(the Var you called backward() on)/∂(this Var); 0.0 until a
            backward pass reaches this Var.

    Operators, each with a Var or a real number (int or float) on either side:
        x + y, x - y, x * y, x / y  (so 2 * x, x / 3, 1 - x, 2 / x, x + 1, 1 + x
        all work: Python runs 1 - x as x.__rsub__(1) and 2 / x as
        x.__rtruediv__(2) — the number is on the left), unary -x, and x ** p
        for a real number p (p = 2, −1, 0.5, −1.5, …).
    Methods: x.exp(), x.log(), x.sin(), x.tanh(), x.relu(), x.sigmoid().
    Each returns a new Var; none changes its operands.

    How to store the graph is yours to choose: the lecture keeps a set of
    children and a closure _backward per node; a tuple of (parent, local
    derivative) pairs works just as well. You may give __init__ extra private
    parameters with defaults (names starting with _), as the lecture does.

    Forbidden: nothing.
    """

    def __init__(self, data):
        """A leaf Var holding ``data`` (int or float), with grad 0.0 and no parents."""
        raise NotImplementedError("Var.__init__ is not written yet")

    def __add__(self, other):
        """self + other; ∂/∂self = 1, ∂/∂other = 1. ``other`` is a Var or a number."""
        raise NotImplementedError("Var.__add__ is not written yet")

    def __radd__(self, other):
        """other + self, where ``other`` is a number (Python calls this for 1 + x)."""
        raise NotImplementedError("Var.__radd__ is not written yet")

    def __sub__(self, other):
        """self − other; ∂/∂self = 1, ∂/∂other = −1."""
        raise NotImplementedError("Var.__sub__ is not written yet")

    def __rsub__(self, other):
        """other − self, where ``other`` is a number (Python calls this for 1 - x: not x − 1!)."""
        raise NotImplementedError("Var.__rsub__ is not written yet")

    def __mul__(self, other):
        """self · other; ∂/∂self = other, ∂/∂other = self."""
        raise NotImplementedError("Var.__mul__ is not written yet")

    def __rmul__(self, other):
        """other · self, where ``other`` is a number (Python calls this for 2 * x)."""
        raise NotImplementedError("Var.__rmul__ is not written yet")

    def __truediv__(self, other):
        """self / other; ∂/∂self = 1/other, ∂/∂other = −self/other²."""
        raise NotImplementedError("Var.__truediv__ is not written yet")

    def __rtruediv__(self, other):
        """other / self, where ``other`` is a number (Python calls this for 2 / x: ∂/∂x = −2/x²)."""
        raise NotImplementedError("Var.__rtruediv__ is not written yet")

    def __neg__(self):
        """−self; ∂/∂self = −1."""
        raise NotImplementedError("Var.__neg__ is not written yet")

    def __pow__(self, p):
        """self ** p for a real number p (not a Var); ∂/∂self = p · self^(p−1)."""
        raise NotImplementedError("Var.__pow__ is not written yet")

    def exp(self):
        """e^self; the derivative is e^self again."""
        raise NotImplementedError("Var.exp is not written yet")

    def log(self):
        """The natural logarithm, for self.data > 0; the derivative is 1/self."""
        raise NotImplementedError("Var.log is not written yet")

    def sin(self):
        """sin(self); the derivative is cos(self)."""
        raise NotImplementedError("Var.sin is not written yet")

    def tanh(self):
        """tanh(self); the derivative is 1 − tanh²(self)."""
        raise NotImplementedError("Var.tanh is not written yet")

    def relu(self):
        """max(self, 0); the derivative is 1 where self.data > 0 and 0 otherwise — also 0 at exactly 0."""
        raise NotImplementedError("Var.relu is not written yet")

    def sigmoid(self):
        """σ(self) = 1/(1 + e^−self); the derivative is σ·(1 − σ)."""
        raise NotImplementedError("Var.sigmoid is not written yet")

    def backward(self):
        """Set .grad of every Var in this Var's graph to ∂self/∂(that Var).

        1. List the graph's nodes in topological order (each node after the
           Vars it was computed from), visiting every node once even if it is
           used many times — with a loop and an explicit stack: the graph may be
           100 000 operations deep, far beyond Python's recursion limit.
        2. Set .grad = 0.0 on every node of the graph (so calling backward()
           twice gives the same answer), then self.grad = 1.0.
        3. Walk the list from self back to the inputs; at each node add its
           contribution to each parent: parent.grad += local · node.grad.
           A Var used twice (x * x) collects two contributions: +=, never =.

        Returns None.
        """
        raise NotImplementedError("Var.backward is not written yet")


def grad(f, *xs):
    """All partial derivatives of a scalar function, with one backward pass.

    Math: (∂f/∂x₁, …, ∂f/∂xₙ) at the point xs. Wrap each number in a Var, call
    f on the Vars (f returns one Var), call backward() on the result and read
    the inputs' grads. An input that f does not use gets 0.0.

    Args:
        f: a function of len(xs) Vars returning a Var, built from Var's
           operators and methods (e.g. lambda x, y: x * y + x.sin()).
        xs: the point, as numbers (ints allowed).

    Returns:
        A tuple of len(xs) Python floats, e.g. grad(lambda a, b: a * b + b, 2, 3) == (3.0, 3.0).

    Forbidden: nothing.
    """
    raise NotImplementedError("grad is not written yet")


def jacobian_reverse(f, x):
    """The full Jacobian of f: Rⁿ → Rᵐ by reverse mode: one backward() per output.

    Math: J[i, j] = ∂fᵢ/∂xⱼ. Call f once on a list of n Vars; for each output
    i call outputs[i].backward() exactly once and read row i from the inputs'
    grads. Row i must hold only the derivatives of output i: an input that does
    not occur in output i is not in its graph — backward() never touches it —
    so it still holds a grad from an earlier row unless you reset it to 0.0
    first.

    Args:
        f: a function taking a list of n Vars and returning a list of m Vars.
        x: the point, a 1-D array-like of n numbers.

    Returns:
        J: float ndarray of shape (m, n).

    Forbidden: nothing.
    """
    raise NotImplementedError("jacobian_reverse is not written yet")


def cheaper_mode(n_inputs, n_outputs):
    """Which mode of automatic differentiation builds the full Jacobian with fewer passes.

    Forward mode (topic 10) needs one pass per input (n_inputs passes);
    reverse mode needs one backward pass per output (n_outputs passes). A loss
    of a neural network has millions of inputs and one output.

    Args:
        n_inputs, n_outputs: positive ints.

    Returns:
        "forward" if n_inputs < n_outputs, "reverse" if n_inputs > n_outputs,
        "either" if they are equal.

    Forbidden: nothing.
    """
    raise NotImplementedError("cheaper_mode is not written yet")
