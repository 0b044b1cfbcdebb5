"""The suites' closed-form oracles against central differences, on the suites' own cases.

Where a suite judges gradients against its closed form first and computes
central differences only for an answer that disagrees (attention), the closed
form must itself agree with central differences on every case it is used for.
"""

import numpy as np
import pytest

from grader.suites import attention, oracles

SEEDS = (1, 4242)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("case", attention.LAYER)
def test_attention_backward_closed_form(seed, case):
    inputs, causal, G = attention.layer_case(seed, "attention", case)
    x = attention.floats(inputs)
    _, H, W = attention.single(x)

    def loss(H, W_Q, W_K, W_V, W_O):
        return float(np.sum(attention.forward(H, W_Q, W_K, W_V, W_O, causal=causal) * G))

    numeric = attention.central_differences(loss, x)
    closed = attention.gradients(G, H, *W, causal=causal)
    _agree(closed, numeric, (*attention.ORDER, "H"))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("case", attention.MHA)
def test_mha_backward_closed_form(seed, case):
    X, params, n_heads, causal, G = attention.mha_case(seed, "mha", case)
    _, Xf, W = attention.multi(X, params, n_heads)

    def loss(X, W_Q, W_K, W_V, W_O):
        return float(np.sum(attention.forward(X, W_Q, W_K, W_V, W_O, n_heads, causal) * G))

    numeric = attention.central_differences(loss, {"X": Xf, **dict(zip(attention.SHOWN, W))})
    closed = attention.gradients(G, Xf, *W, n_heads, causal, inp="X")
    _agree(closed, numeric, (*attention.ORDER, "X"))


def _agree(closed, numeric, keys):
    floor = attention.FLOOR * max(np.linalg.norm(numeric[k]) for k in keys)
    for k in keys:
        error = oracles.relative_error(closed[k], numeric[k], floor)
        assert error <= attention.GRAD_TOL / 10, (k, error)
