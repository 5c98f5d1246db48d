"""plot_cell_diagram draws every gate of the package's LSTM and GRU cells with its activation."""

import matplotlib.pyplot as plt
import pytest

from activations import plotting, rnn


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _boxes(ax):
    # Each layer box stores "<activation>:<gate name>" as its gid.
    return dict(reversed(p.get_gid().split(":")) for p in ax.patches if p.get_gid())


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_every_gate_of_the_cell_is_drawn_with_its_activation(cell):
    boxes = _boxes(plotting.plot_cell_diagram(cell))
    gates = set(rnn.CELLS[cell].gate_names)
    assert set(boxes) == gates - {"cell"} | ({"cell"} if cell == "lstm" else set())
    expected = {"input": "sigma", "forget": "sigma", "output": "sigma", "update": "sigma",
                "reset": "sigma", "candidate": "tanh", "cell": "tanh"}
    assert boxes == {gate: expected[gate] for gate in boxes}


def test_the_diagrams_differ_in_their_pointwise_operations():
    lstm, gru = plotting.plot_cell_diagram("lstm"), plotting.plot_cell_diagram("gru")
    texts = {name: [t.get_text() for t in ax.texts] for name, ax in (("lstm", lstm), ("gru", gru))}
    assert "$1-$" in texts["gru"] and "$1-$" not in texts["lstm"]    # h_t = z h + (1 - z) n
    assert "$c_t$" in texts["lstm"] and "$c_t$" not in texts["gru"]  # only the LSTM has a cell
    assert lstm.get_title() == "LSTM cell" and "Cho" in gru.get_title()


def test_unknown_cell_is_rejected():
    with pytest.raises(ValueError, match="unknown cell"):
        plotting.plot_cell_diagram("rnn")
