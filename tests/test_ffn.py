"""activations.ffn: the plain and gated FFN blocks backpropagate correctly, replicas are independent,
the 2/3 width rule gives equal parameter counts, and evidence.tuned_net trains an FFNNet."""

import numpy as np
import pytest

from activations import data, evidence, ffn, gelu, nets


@pytest.mark.parametrize("activation, params", [
    ("relu", None), ("gelu", {"approximate": "tanh"}), ("swish", None),
    ("glu", None), ("reglu", None), ("geglu", None), ("swiglu", {"beta": 1.7})])
def test_backward_matches_finite_differences(activation, params):
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((6, 5)), rng.integers(0, 3, 6)
    net = ffn.FFNNet(5, 4, 6, 3, activation, n_blocks=2, activation_params=params, seed=[7, 8])
    errors = nets.gradient_check(net, X, y)
    assert sorted(errors) == sorted(net.params)
    assert max(errors.values()) < 1e-6, errors


def test_a_replica_is_the_network_built_from_its_seed_alone():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((7, 5))
    pair = ffn.FFNNet(5, 4, 6, 3, "swiglu", seed=[11, 12])
    alone = ffn.FFNNet(5, 4, 6, 3, "swiglu", seed=12)
    for key in pair.params:
        np.testing.assert_array_equal(pair.params[key][1], alone.params[key][0])
    np.testing.assert_allclose(pair.forward(X)[1], alone.forward(X)[0], rtol=1e-12)


def test_gated_width_rule_keeps_the_parameter_count():
    for d in (3, 12, 96, 768):
        plain, gated = ffn.hidden_width(d), ffn.hidden_width(d, gated=True)
        assert ffn.parameter_count(d, plain, False) == ffn.parameter_count(d, gated, True)
    # LLaMA's rounding (multiple_of=256): 4096 -> 11008, within 1% of the plain count.
    h = ffn.hidden_width(4096, gated=True, multiple_of=256)
    assert h == 11008 and h % 256 == 0
    ratio = ffn.parameter_count(4096, h, True) / ffn.parameter_count(4096, 4 * 4096, False)
    assert 1 < ratio < 1.01
    net = ffn.FFNNet(5, 12, ffn.hidden_width(12, gated=True), 3, "geglu", seed=1)
    assert net.block_parameter_count() == ffn.parameter_count(12, 32, True)


def test_activation_share_of_the_flops_is_tiny_at_llm_width():
    share = ffn.activation_flops("swiglu", 11008) / ffn.matmul_flops(4096, 11008, True)
    assert share == pytest.approx(5 / (2 * 3 * 4096))
    with pytest.raises(ValueError, match="unknown"):
        ffn.activation_flops("nope", 3)


def test_vector_activation_and_bad_sizes_are_rejected():
    with pytest.raises(ValueError, match="vector"):
        ffn.FFNNet(2, 2, 2, 2, "softmax")
    with pytest.raises(ValueError, match="positive"):
        ffn.FFNNet(2, 0, 2, 2, "relu")


def test_tuned_net_trains_an_ffn_and_reports_the_chosen_rate():
    parts = [data.products(n, seed=s) for n, s in ((256, 1), (128, 2), (128, 3))]
    split = data.Split(*parts)
    run = evidence.tuned_net(lambda s: ffn.FFNNet(8, 6, 16, 2, "swiglu", seed=s), split,
                             [0.001, 0.03], [1, 2, 3], epochs=8, batch_size=64)
    assert run.rate in (0.001, 0.03) and run.test.n == 3 and run.test.n_diverged == 0
    assert run.params["W1_0"].shape == (3, 6, 32)
    assert run.test.mean > 0.6              # well above chance (0.5) after a short run
    with pytest.raises(ValueError, match="tuned_net"):
        evidence.tuned_net(lambda s: None, split, [0.1, 0.1], [1])


@pytest.mark.parametrize("layer_norm", [False, True])
def test_residual_stream_is_the_forward_pass_block_by_block(layer_norm):
    rng = np.random.default_rng(6)
    X = rng.standard_normal((5, 4))
    net = ffn.FFNNet(4, 6, 8, 3, "gelu", n_blocks=3, seed=[3, 4])
    stream = net.residual_stream(X, layer_norm=layer_norm)
    assert stream.shape == (4, 2, 5, 6)
    h = X @ net.params["W_in"]
    np.testing.assert_allclose(stream[0], h, rtol=1e-13)
    for l in range(3):
        inp = h
        if layer_norm:
            inp = (h - h.mean(-1, keepdims=True)) / np.sqrt(h.var(-1, keepdims=True) + 1e-5)
        h = h + gelu(inp @ net.params[f"W1_{l}"]) @ net.params[f"W2_{l}"]
        np.testing.assert_allclose(stream[l + 1], h, rtol=1e-12)
    if not layer_norm:
        np.testing.assert_allclose(stream[-1] @ net.params["W_out"] + net.params["b_out"],
                                   net.forward(X), rtol=1e-12)


def test_residual_stream_overrides_the_activation_for_one_pass_only():
    X = np.random.default_rng(7).standard_normal((5, 4))
    net = ffn.FFNNet(4, 6, 8, 3, "gelu", n_blocks=2, seed=1)
    exact, tanh = net.residual_stream(X), net.residual_stream(X, activation_params={"approximate": "tanh"})
    other = ffn.FFNNet(4, 6, 8, 3, "gelu", n_blocks=2, activation_params={"approximate": "tanh"}, seed=1)
    np.testing.assert_array_equal(tanh, other.residual_stream(X))
    assert 0 < np.max(np.abs(tanh - exact)) < 1e-2
    np.testing.assert_array_equal(exact, net.residual_stream(X))
