"""The reference solutions' numerics: accuracy against LAPACK, throughput against a textbook version.

These load ``solutions/`` as plain modules: this is the instructor's view of
the reference (is it as good as what it teaches?), never part of grading.
"""

from __future__ import annotations

import importlib.util
import sys
import time

import numpy as np

from benchmarks.timing import ROOT
from grader.suites.attention import best_time  # the suite's own best-of-N clock, used for its vectorisation test

EPS = np.finfo(float).eps


def reference(topic: str):
    spec = importlib.util.spec_from_file_location(f"reference_{topic}", ROOT / "solutions" / f"{topic}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def adversarial_2x2(count: int = 2000, seed: int = 0) -> list[np.ndarray]:
    """Random, near rank 1, scales 1e±150 and negative determinants, ``count`` of each kind."""
    g = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        A = g.standard_normal((2, 2))
        u, v = g.standard_normal(2), g.standard_normal(2)
        near = np.outer(u, v) + 10.0 ** g.uniform(-15, -8) * g.standard_normal((2, 2))
        flip = A if np.linalg.det(A) < 0 else A[::-1]
        out += [A, near, A * 1e150, A * 1e-150, flip]
    return out


def _errors(A, U, s, Vt) -> tuple[float, float]:
    scale = max(np.linalg.norm(A, 2), np.finfo(float).tiny)
    recon = np.linalg.norm(U @ np.diag(s) @ Vt - A, 2) / scale / EPS
    ortho = max(np.linalg.norm(U.T @ U - np.eye(2), 2), np.linalg.norm(Vt @ Vt.T - np.eye(2), 2)) / EPS
    return float(recon), float(ortho)


def svd_2x2() -> dict:
    """Largest reconstruction and orthogonality errors (units of ε) of svd_2x2 and numpy.linalg.svd."""
    svd = reference("svd_basics").svd_2x2
    ours, lapack = [], []
    for A in adversarial_2x2():
        ours.append(_errors(A, *svd(A)))
        lapack.append(_errors(A, *np.linalg.svd(A)))
    o, l = np.max(ours, axis=0), np.max(lapack, axis=0)
    return {
        "svd2x2_reconstruction_eps": o[0],
        "svd2x2_orthogonality_eps": o[1],
        "lapack_reconstruction_eps": l[0],
        "lapack_orthogonality_eps": l[1],
        "svd2x2_over_lapack": float(max(o[0] / max(l[0], 1.0), o[1] / max(l[1], 1.0))),
    }


class TextbookVar:
    """The version most tutorials write: recursive topological sort. Fine until the recursion limit."""

    def __init__(self, data, parents=()):
        self.data, self.grad, self.parents = data, 0.0, parents

    def __mul__(self, k):
        return TextbookVar(self.data * k, ((self, k),))

    def __add__(self, c):
        return TextbookVar(self.data + c, ((self, 1.0),))

    def backward(self):
        order, seen = [], set()

        def visit(v):
            if id(v) not in seen:
                seen.add(id(v))
                for p, _ in v.parents:
                    visit(p)
                order.append(v)

        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            for p, local in v.parents:
                p.grad += local * v.grad


def _chain(Var, steps: int):
    x = Var(1.0)
    y = x
    for _ in range(steps):
        y = y * 1.000001
        y = y + 1e-6
    return x, y


def backward_throughput() -> dict:
    Var = reference("reverse_mode").Var
    out = {}
    x, y = _chain(Var, 50_000)  # 100 000 operations deep
    start = time.perf_counter()
    y.backward()
    out["backward_deep_nodes_per_s"] = 100_001 / (time.perf_counter() - start)
    xs = [Var(float(i)) for i in range(1000)]
    total = xs[0]
    for v in xs[1:]:
        total = total + v
    wide = total * total  # 1 000 leaves feeding one sum, used twice
    start = time.perf_counter()
    wide.backward()
    out["backward_fan_in_nodes_per_s"] = 2001 / (time.perf_counter() - start)
    _, y = _chain(TextbookVar, 50_000)
    try:
        y.backward()
        out["textbook_deep"] = "finished"
    except RecursionError:
        out["textbook_deep"] = f"RecursionError (recursion limit {sys.getrecursionlimit()})"
    return out


def mha(shape=(8, 256, 64, 8)) -> dict:
    """mha_backward time over mha_forward time; torch autograd's ratio on CPU where torch is installed."""
    attention = reference("attention")
    B, T, d, heads = shape
    g = np.random.default_rng(0)
    X = g.standard_normal((B, T, d))
    params = {k: g.standard_normal((d, d)) / np.sqrt(d) for k in ("W_Q", "W_K", "W_V", "W_O")}
    G = g.standard_normal((B, T, d))
    forward = best_time(lambda: attention.mha_forward(X, params, heads), 5)
    _, cache = attention.mha_forward(X, params, heads)
    backward = best_time(lambda: attention.mha_backward(G, cache), 5)
    out = {"mha_shape": list(shape), "mha_forward_s": forward, "mha_backward_over_forward": backward / forward}
    try:
        import torch
    except ImportError:
        out["torch"] = "not installed: skipped"
        return out
    torch.set_num_threads(1)
    mha_t = torch.nn.MultiheadAttention(d, heads, batch_first=True, bias=False, dtype=torch.float64)
    Xt = torch.tensor(X, requires_grad=True)
    Gt = torch.tensor(G)
    t_forward = best_time(lambda: mha_t(Xt, Xt, Xt, need_weights=False), 5)

    def both():
        out_t, _ = mha_t(Xt, Xt, Xt, need_weights=False)
        out_t.backward(Gt)

    out["torch_backward_over_forward"] = (best_time(both, 5) - t_forward) / t_forward
    return out
