"""The explorer: live widget updates, and a self-contained static fallback."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

import numpy as np
import pytest

import activations
from activations.widgets import MAX_SAMPLES, Explorer


@pytest.fixture(scope="module")
def explorer():
    return Explorer("sigmoid")


def _data(page: str) -> dict:
    match = re.search(r'<script type="application/json" class="act-explorer-data">(.*?)</script>',
                      page, re.S)
    assert match, "the sample table is embedded in the page"
    return json.loads(match.group(1))


def test_fallback_is_self_contained(explorer):
    page = explorer.html()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"<(link|iframe|img)\b", page)
    assert re.search(r'class="act-explorer" id="act-explorer-sigmoid-\d+"', page)
    assert page.count('type="range"') == 2
    assert 'data-param="w"' in page and 'data-param="b"' in page


def test_fallback_embeds_the_samples_of_the_function(explorer):
    data = _data(explorer.html())
    z = data["z0"] + data["dz"] * np.arange(len(data["values"][0]))
    # Samples keep 5 significant digits: relative rounding error <= 5e-5.
    np.testing.assert_allclose(data["values"][0], activations.sigmoid(z), rtol=5e-5)
    np.testing.assert_allclose(data["grads"][0], activations.sigmoid_grad(z), rtol=5e-5)
    # The table covers every z = w x + b the sliders can produce.
    assert z[0] <= -(4 * 6 + 6) + 1e-9 and z[-1] >= 4 * 6 + 6 - 1e-9


def test_fallback_shows_the_exact_initial_state(explorer):
    page = explorer.html()
    assert "w = 1.00, b = 0.00 | at x = 1: y = 0.7311, dy/dx = 0.1966" in page
    value_path = re.search(r'class="act-value"[^>]* d="([^"]+)"', page).group(1)
    assert value_path == explorer._path(activations.sigmoid(explorer.x))


def test_live_widget_redraws_when_a_slider_moves():
    box = Explorer("sigmoid").widget()
    before_plot, before_text = box.plot.value, box.readout.value
    box.sliders["w"].value = 2.0
    assert box.plot.value != before_plot
    assert box.readout.value != before_text
    y = float(activations.sigmoid(2.0))
    assert f"y = {y:.4f}" in box.readout.value
    box.sliders["b"].value = -2.0
    assert "y = 0.5000" in box.readout.value  # sigma(2 * 1 - 2) = 1/2


def test_mimebundle_offers_widget_and_html(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"] == explorer.html()
    assert bundle["text/plain"] == repr(explorer)
    assert bundle["image/svg+xml"] == explorer.static_svg()


def test_static_image_is_the_opening_state_as_a_standalone_svg():
    # The PDF shows this image (neither the widget nor the page's script runs there),
    # so it must be a complete SVG document drawing what the site opens with.
    ex = Explorer("leaky_relu", params={"negative_slope": [0.0, 0.01, 0.3]})
    root = ElementTree.fromstring(ex.static_svg())
    svg = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{svg}svg"
    assert not list(root.iter(f"{svg}script")) and not list(root.iter(f"{svg}foreignObject"))
    paths = {p.get("class"): p.get("d") for p in root.iter(f"{svg}path")}
    value, slope = ex.curves(1.0, 0.0, negative_slope=0.01)
    assert paths == {"act-value": ex._path(value), "act-grad": ex._path(slope)}
    lines = [t.text for t in root.iter(f"{svg}text")]
    assert "w = 1.00, b = 0.00, negative_slope = 0.01" in lines
    assert "at x = 1: y = 1.0000, dy/dx = 1.0000" in lines


def test_activation_parameters_get_index_sliders_and_rows():
    params = {"negative_slope": [0.0, 0.01, 0.2]}

    def leaky(x, negative_slope=0.01):  # the record's functions may still be placeholders
        return np.where(x > 0, x, negative_slope * x)

    def leaky_grad(x, negative_slope=0.01):
        return np.where(x > 0, 1.0, negative_slope)

    record = activations.get("leaky_relu")
    record = type(record)(**{**record.__dict__, "fn": leaky, "grad": leaky_grad,
                             "params": {"negative_slope": 0.01}})
    ex = Explorer(record, params=params)
    data = _data(ex.html())
    assert [p["labels"] for p in data["params"]] == [["0.0", "0.01", "0.2"]]
    z = data["z0"] + data["dz"] * np.arange(len(data["values"][0]))
    for row, slope in zip(data["values"], params["negative_slope"]):
        np.testing.assert_allclose(row, leaky(z, slope), rtol=5e-5)
    box = ex.widget()
    box.sliders["negative_slope"].value = 0.2
    box.sliders["b"].value = -3.0
    assert "negative_slope = 0.2" in box.readout.value
    assert "y = -0.4000" in box.readout.value  # leaky(1 - 3) with slope 0.2


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="no parameter"):
        Explorer("sigmoid", params={"beta": [1.0]})
    vector = type(activations.SIGMOID)(**{**activations.SIGMOID.__dict__, "vector": True})
    with pytest.raises(ValueError, match="elementwise"):
        Explorer(vector)
    with pytest.raises(ValueError, match="exceed"):
        Explorer("sigmoid", z_step=30 / MAX_SAMPLES)


@pytest.mark.parametrize("record", activations.GATED, ids=lambda r: r.name)
def test_gated_unit_is_explored_as_a_times_its_gate(record):
    """y = a g(wx + b): the value half a is a parameter (default 1); slopes are a g'."""
    halves = [-1.0, 0.5, 2.0]
    ex = Explorer(record, params={"a": halves})
    gate = activations.get(record.gate)
    gate_params = {k: v for k, v in record.params.items() if k in gate.params}
    data = _data(ex.html())
    z = data["z0"] + data["dz"] * np.arange(len(data["values"][0]))
    for row, grads, a in zip(data["values"], data["grads"], halves):
        np.testing.assert_allclose(row, a * gate.fn(z, **gate_params), rtol=5e-5, atol=1e-12)
        np.testing.assert_allclose(grads, a * gate.grad(z, **gate_params), rtol=5e-5, atol=1e-12)
    assert Explorer(record).readout_values(1.0, 0.0)["y"] == pytest.approx(
        float(gate.fn(1.0, **gate_params)))
    box = ex.widget()
    box.sliders["a"].value = 2.0
    assert "a = 2.0" in box.readout.value
    assert f"y = {2 * float(gate.fn(1.0, **gate_params)):.4f}" in box.readout.value
