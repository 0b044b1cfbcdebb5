"""An independent correct reverse_mode (not a copy of solutions/): other valid choices.

Each node keeps a closure that pushes its gradient to its parents (micrograd
style) instead of (parent, local) pairs; backward orders the graph by Kahn's
algorithm (counting each node's users) rather than a depth-first search;
numbers stay plain floats instead of becoming Vars; jacobian_reverse zeroes
the inputs through a comprehension over all of them and returns rows built
as a list.
"""

import math

import numpy as np


class Var:
    def __init__(self, data):
        self.data = float(data)
        self.grad = 0.0
        self._prev = ()
        self._push = lambda: None

    def _make(self, data, parents, locals_):
        out = Var(data)
        out._prev = parents

        def push():
            for parent, local in zip(parents, locals_):
                parent.grad += local * out.grad

        out._push = push
        return out

    def __add__(self, other):
        if isinstance(other, Var):
            return self._make(self.data + other.data, (self, other), (1.0, 1.0))
        return self._make(self.data + other, (self,), (1.0,))

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def __mul__(self, other):
        if isinstance(other, Var):
            return self._make(self.data * other.data, (self, other), (other.data, self.data))
        return self._make(self.data * other, (self,), (float(other),))

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other**-1 if isinstance(other, Var) else self * (1.0 / other)

    def __rtruediv__(self, other):
        return self**-1 * other

    def __neg__(self):
        return self * -1.0

    def __pow__(self, p):
        return self._make(self.data**p, (self,), (p * self.data ** (p - 1) if p else 0.0,))

    def exp(self):
        e = math.exp(self.data)
        return self._make(e, (self,), (e,))

    def log(self):
        return self._make(math.log(self.data), (self,), (1.0 / self.data,))

    def sin(self):
        return self._make(math.sin(self.data), (self,), (math.cos(self.data),))

    def tanh(self):
        t = math.tanh(self.data)
        return self._make(t, (self,), (1.0 - t**2,))

    def relu(self):
        return self._make(self.data if self.data > 0 else 0.0, (self,), (float(self.data > 0),))

    def sigmoid(self):
        s = 0.5 * (1.0 + math.tanh(0.5 * self.data))
        return self._make(s, (self,), (s * (1.0 - s),))

    def backward(self):
        nodes, users, stack = {id(self): self}, {id(self): 0}, [self]
        while stack:  # every node once, and how many nodes use it
            node = stack.pop()
            for parent in node._prev:
                if id(parent) not in nodes:
                    nodes[id(parent)] = parent
                    users[id(parent)] = 0
                    stack.append(parent)
                users[id(parent)] += 1
        for node in nodes.values():
            node.grad = 0.0
        self.grad = 1.0
        ready = [self]
        while ready:  # a node pushes only once all of its users have pushed to it
            node = ready.pop()
            node._push()
            for parent in node._prev:
                users[id(parent)] -= 1
                if users[id(parent)] == 0:
                    ready.append(parent)


def grad(f, *xs):
    inputs = tuple(Var(x) for x in xs)
    f(*inputs).backward()
    return tuple(v.grad for v in inputs)


def jacobian_reverse(f, x):
    inputs = [Var(v) for v in np.asarray(x, dtype=float).reshape(-1)]
    rows = []
    for out in f(inputs):
        [setattr(v, "grad", 0.0) for v in inputs]
        out.backward()
        rows.append([v.grad for v in inputs])
    return np.array(rows, dtype=float).reshape(len(rows), len(inputs))


def cheaper_mode(n_inputs, n_outputs):
    return {-1: "forward", 0: "either", 1: "reverse"}[(n_inputs > n_outputs) - (n_inputs < n_outputs)]
