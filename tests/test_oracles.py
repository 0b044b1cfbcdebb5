"""The suites' closed-form oracles against central differences, on the suites' own cases.

Where a suite judges gradients against its closed form first and computes
central differences only for an answer that disagrees (attention), the closed
form must itself agree with central differences on every case it is used for.
"""

import numpy as np
import pytest

from grader.suites import attention, backprop, oracles

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


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("case", backprop.NETWORKS)
def test_mlp_backward_closed_form(seed, case):
    """backprop judges an answer against its closed form first and against fourth-order differences
    only when they disagree: on every case the two agree ten times closer than the tolerance."""
    params, X, Y = backprop.floats(*backprop.network(seed, case))
    closed = backprop.closed_form(params, backprop.forward(params, X), Y)
    numeric = backprop.central_differences(params, X, Y)
    floor = backprop.FLOOR * max(np.linalg.norm(g) for pair in numeric for g in pair)
    for layer, (mine, theirs) in enumerate(zip(closed, numeric)):
        for k in (0, 1):
            error = oracles.relative_error(mine[k], theirs[k], floor)
            assert error <= backprop.GRAD_TOL / 10, (layer, k, error)


@pytest.mark.parametrize("seed, labels", [(0, ("svd_2x2", "random")), (2**63 + 5, ("Var", 3)), (7, ())])
def test_an_input_stream_is_the_seeded_generator_s_and_every_rng_starts_afresh(seed, labels):
    """cases.rng starts from a kept state: the same numbers as seeding anew, and drawing from one
    generator does not move the next one asked for with the same labels."""
    import zlib

    from grader.suites import cases

    seeded = np.random.default_rng([seed, zlib.crc32("/".join(map(str, labels)).encode())])
    first = cases.rng(seed, *labels)
    want = seeded.standard_normal(6), seeded.integers(0, 2**62, 3), seeded.random()
    got = first.standard_normal(6), first.integers(0, 2**62, 3), first.random()
    assert all(np.array_equal(a, b) for a, b in zip(got, want))
    assert np.array_equal(cases.rng(seed, *labels).standard_normal(6), want[0])


def test_a_remembered_oracle_runs_once_per_distinct_input_and_hands_out_copies(monkeypatch):
    calls = []

    @oracles.remembered
    def doubled(x, pair=(1.0, 2)):
        calls.append(1)
        return [2 * np.asarray(x), {"pair": pair}]

    a = np.arange(3.0)
    first = doubled(a)
    first[0][0], first[1]["pair"] = 99.0, None  # what a caller does to its answer stays with it
    assert doubled(a.copy())[0].tolist() == [0.0, 2.0, 4.0] and doubled(a)[1] == {"pair": (1.0, 2)}
    assert len(calls) == 1
    for other in (a.astype(np.float32), a.reshape(3, 1), a + 1, np.array([-0.0, 1.0, 2.0])):
        doubled(other)  # another dtype, shape, value, or the sign of a zero: another input
    doubled(a, pair=(1, 2))  # 1 is not 1.0
    assert len(calls) == 6
    doubled(-0.0), doubled(0.0), doubled(0.0)
    assert len(calls) == 8
    doubled(a, pair={object()}), doubled(a, pair={object()})  # not plain data: computed each time
    assert len(calls) == 10
    monkeypatch.setattr(oracles, "KEPT_BYTES", 16)
    doubled(a), doubled(a)  # 24 bytes: too large to keep
    assert len(calls) == 12
    monkeypatch.setattr(oracles, "KEPT", 2)
    doubled(1.0), doubled(2.0), doubled(3.0), doubled(1.0)  # the oldest is let go
    assert len(calls) == 16 and len(doubled.table) == 2


def test_a_remembered_oracle_holds_a_bounded_number_of_bytes(monkeypatch):
    monkeypatch.setattr(oracles, "KEPT_TOTAL", 100 * 8 * 2 * 3)  # three entries of 100 floats in, 100 out

    @oracles.remembered
    def same(x):
        return x + 0.0

    for k in range(10):
        same(np.full(100, float(k)))
    assert len(same.table) == 3 and [answer[0] for answer, _ in same.table.values()] == [7.0, 8.0, 9.0]
