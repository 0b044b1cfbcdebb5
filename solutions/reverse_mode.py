"""Reference solution: reverse_mode (lecture §1.5, §3.10)."""

import math

import numpy as np


class Var:
    def __init__(self, data):
        self.data = float(data)
        self.grad = 0.0
        self._parents = ()  # (parent Var, ∂self/∂parent) pairs: the local derivatives

    @staticmethod
    def _node(data, *parents):
        out = Var(data)
        out._parents = parents
        return out

    def __add__(self, other):
        other = _lift(other)
        return Var._node(self.data + other.data, (self, 1.0), (other, 1.0))

    def __radd__(self, other):
        return _lift(other) + self

    def __sub__(self, other):
        other = _lift(other)
        return Var._node(self.data - other.data, (self, 1.0), (other, -1.0))

    def __rsub__(self, other):
        return _lift(other) - self

    def __mul__(self, other):
        other = _lift(other)
        return Var._node(self.data * other.data, (self, other.data), (other, self.data))

    def __rmul__(self, other):
        return _lift(other) * self

    def __truediv__(self, other):
        other = _lift(other)
        return Var._node(self.data / other.data,
                         (self, 1.0 / other.data), (other, -self.data / other.data ** 2))

    def __rtruediv__(self, other):
        return _lift(other) / self

    def __neg__(self):
        return Var._node(-self.data, (self, -1.0))

    def __pow__(self, p):
        local = p * self.data ** (p - 1) if p != 0 else 0.0
        return Var._node(self.data ** p, (self, local))

    def exp(self):
        e = math.exp(self.data)
        return Var._node(e, (self, e))

    def log(self):
        return Var._node(math.log(self.data), (self, 1.0 / self.data))

    def sin(self):
        return Var._node(math.sin(self.data), (self, math.cos(self.data)))

    def tanh(self):
        t = math.tanh(self.data)
        return Var._node(t, (self, 1.0 - t * t))

    def relu(self):
        return Var._node(max(self.data, 0.0), (self, 1.0 if self.data > 0 else 0.0))

    def sigmoid(self):
        x = self.data
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        return Var._node(s, (self, s * (1.0 - s)))

    def backward(self):
        order = _topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):  # every user of a node comes before it
            for parent, local in node._parents:
                parent.grad += local * node.grad


def _lift(x):
    return x if isinstance(x, Var) else Var(x)


def _topological_order(root):
    """Every node of root's graph once, each after all of its parents (iterative DFS)."""
    order, seen = [], {root}  # a Var hashes by identity
    stack = [(root, iter(root._parents))]
    while stack:
        node, parents = stack[-1]
        for parent, _ in parents:
            if parent not in seen:
                seen.add(parent)
                stack.append((parent, iter(parent._parents)))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def grad(f, *xs):
    inputs = [Var(x) for x in xs]
    f(*inputs).backward()
    return tuple(float(v.grad) for v in inputs)


def jacobian_reverse(f, x):
    inputs = [Var(v) for v in np.asarray(x, dtype=float).ravel()]
    outputs = f(inputs)
    J = np.zeros((len(outputs), len(inputs)))
    for i, out in enumerate(outputs):
        for v in inputs:  # an input outside this output's graph keeps an old grad otherwise
            v.grad = 0.0
        out.backward()
        J[i] = [v.grad for v in inputs]
    return J


def cheaper_mode(n_inputs, n_outputs):
    if n_inputs < n_outputs:
        return "forward"
    if n_inputs > n_outputs:
        return "reverse"
    return "either"
