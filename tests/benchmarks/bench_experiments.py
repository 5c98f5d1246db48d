"""Timings of the standard Part I experiments, and the gradient-check errors.

Each Part I notebook must run in at most 15 s, so each experiment it runs
must stay at most 5 s on 2 cores (issue 4). The experiments are the
package calls the notebooks make, with their default settings:

- the 20-layer gradient-norm sweep over every registry activation
  (``nets.layer_gradient_norms``);
- the memory task at T = 30 for the LSTM, the tanh RNN and the GRU
  (``rnn.train_memory_task``);
- a ReLU MLP trained on spirals (the setting of ``tests/test_nets.py``).

Times are the best of ``REPEATS`` runs. A second table gives the largest
relative error of backprop against central finite differences over the
parameter arrays of a tiny float64 model per activation and per cell.
Run with ``python -m tests.benchmarks experiments``; the tables are also
written to ``bench-results/experiments.md``.
"""

from __future__ import annotations

import os
import time

import numpy as np

import activations
from activations import data, nets, rnn

from . import _table

REPEATS = 3
TARGET_SECONDS = 5.0


def _depth_sweep():
    reports = {r.name: nets.layer_gradient_norms(r, depth=20) for r in activations.ACTIVATIONS}
    ratio = reports["sigmoid"].grad_norms[0] / reports["sigmoid"].grad_norms[-1]
    return f"sigmoid |dW_0|/|dW_19| = {ratio:.1e}"


def _memory(cell):
    def run():
        _, _, accuracy = rnn.train_memory_task(cell, T=30)
        return f"test accuracy {accuracy:.3f}"
    return run


def _spirals():
    X, y = data.spirals(600, seed=0)
    X_test, y_test = data.spirals(600, seed=1)
    net = nets.MLP([2, 64, 64, 3], activation="relu", init="he", seed=0)
    nets.train(net, X, y, optimizer=nets.Adam(0.01), epochs=60, batch_size=64, seed=0)
    return f"test accuracy {nets.accuracy(net.forward(X_test), y_test):.3f}"


EXPERIMENTS = [
    ("gradient-norm sweep, 20 layers x all activations", _depth_sweep),
    ("memory task T=30: LSTM (16 units, 16 epochs)", _memory("lstm")),
    ("memory task T=30: tanh RNN (same budget)", _memory("rnn")),
    ("memory task T=30: GRU (same budget)", _memory("gru")),
    ("spirals: ReLU MLP 2-64-64-3, 60 epochs", _spirals),
]


def time_experiments():
    """Rows (experiment, seconds, target, PASS/FAIL, outcome), best of REPEATS."""
    rows = []
    for name, experiment in EXPERIMENTS:
        best = np.inf
        for _ in range(REPEATS):
            start = time.perf_counter()
            outcome = experiment()
            best = min(best, time.perf_counter() - start)
        verdict = "PASS" if best <= TARGET_SECONDS else "FAIL"
        rows.append((name, f"{best:.2f}", f"{TARGET_SECONDS:.0f}", verdict, outcome))
    return rows


def _mlp_case(name):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((6, 3)), rng.integers(0, 3, 6)
    return nets.MLP([3, 5, 4, 3], activation=name, seed=1), X, y


def _cell_case(cell):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((3, 6, 2)), rng.integers(0, 3, 3)
    return rnn.RecurrentNet(cell, n_in=2, n_hidden=3, n_out=3, seed=1), X, y


def gradient_check_rows():
    """Rows (model, arrays checked, max relative error, worst array)."""
    cases = [(f"MLP 3-5-4-3, {r.name}", _mlp_case(r.name)) for r in activations.ACTIVATIONS]
    cases += [(f"{cell.upper()} H=3, T=6", _cell_case(cell)) for cell in rnn.CELLS]
    rows = []
    for label, (model, X, y) in cases:
        errors = nets.gradient_check(model, X, y)
        worst = max(errors, key=errors.get)
        rows.append((label, len(errors), f"{errors[worst]:.1e}", worst))
    return rows


def main():
    header = ("experiment", "seconds", "target", "result", "outcome")
    rows = time_experiments()
    print(_table.render_text(header, rows))
    check_header = ("model", "arrays", "max rel. error", "worst array")
    check_rows = gradient_check_rows()
    print()
    print(_table.render_text(check_header, check_rows))
    # These models multiply small matrices, where OpenBLAS threads cost more
    # than they save when other processes compete for the cores; say how it ran.
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"OPENBLAS_NUM_THREADS={threads}")
    preamble = (
        f"Best of {REPEATS} runs per experiment; target {TARGET_SECONDS:.0f} s each on 2 cores "
        f"(issue 4); OPENBLAS_NUM_THREADS={threads}. "
        "Gradient check: float64, central differences with h = 1e-6, relative "
        "error in the max norm per parameter array (`nets.relative_error`), test bound 1e-6.\n\n"
        + _table.render_markdown(header, rows)
        + "\n\n## Gradient check"
    )
    path = _table.write_markdown("experiments.md", "Part I experiments", preamble,
                                 check_header, check_rows)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
