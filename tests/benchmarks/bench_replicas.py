"""What K seeds trained side by side cost, against one run (DESIGN section 8).

The evidence protocol trains every configuration on many seeds; the engine's
replicas (a leading replica axis on every parameter, batched ``matmul``) make
that affordable. For the book's model sizes this table gives the time of
K = 1, 8 and 32 replicas trained in one call, the ratio to K = 1, and the
time of the same K runs one after another for comparison. Target: K = 8 at
most 2x the time of one run.

Cases (the settings the notebooks use):
- MLP 2-16-16-3 on spirals (600 points, batch 64, 20 epochs): the toy size;
- MLP 64-32-10 on the 8x8 digits (1,078 training images, batch 64, 10 epochs);
- MLP 2-64-64-3 on spirals (as above): the largest MLP of Part I;
- LSTM with 16 units on the memory task, T = 20 and T = 30 (512 sequences,
  batch 32, 16 epochs), float64 and float32.

Times are the best of ``REPEATS`` runs. Run with
``python -m tests.benchmarks replicas``; the table is also written to
``bench-results/replicas.md``.
"""

from __future__ import annotations

import os
import time

import numpy as np

from activations import data, nets, rnn

from . import _table

REPEATS = 3
REPLICAS = (1, 8, 32)
TARGET_RATIO_AT_8 = 2.0


def _best(fn) -> float:
    best = np.inf
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _mlp(sizes, X, y, epochs):
    def run(seeds):
        net = nets.MLP(sizes, activation="relu", init="he", seed=seeds)
        nets.train(net, X, y, optimizer=nets.Adam(0.01), epochs=epochs, batch_size=64)
    return run


def _lstm(T, dtype):
    def run(seeds):
        rnn.train_memory_task("lstm", T=T, seed=seeds, dtype=dtype)
    return run


def _cases():
    X, y = data.spirals(600, seed=0)
    digits = data.digits(seed=0).train
    cases = [
        ("MLP 2-16-16-3, spirals, 20 epochs", _mlp([2, 16, 16, 3], X, y, 20)),
        ("MLP 64-32-10, digits, 10 epochs", _mlp([64, 32, 10], *digits, 10)),
        ("MLP 2-64-64-3, spirals, 20 epochs", _mlp([2, 64, 64, 3], X, y, 20)),
    ]
    for T in (20, 30):
        for dtype in (np.float64, np.float32):
            cases.append((f"LSTM 16 units, memory T={T}, {np.dtype(dtype).name}", _lstm(T, dtype)))
    return cases


def replica_rows():
    """Rows: case, seconds for K = 1, 8, 32, ratio to K = 1 at 8 and 32, sequential 8, verdict."""
    rows = []
    for label, run in _cases():
        seconds = {k: _best(lambda k=k: run(list(range(k)) if k > 1 else 0)) for k in REPLICAS}
        sequential = 8 * seconds[1]
        ratio8, ratio32 = seconds[8] / seconds[1], seconds[32] / seconds[1]
        verdict = "PASS" if ratio8 <= TARGET_RATIO_AT_8 else "MISS"
        rows.append((label, f"{seconds[1]:.2f}", f"{seconds[8]:.2f}", f"{seconds[32]:.2f}",
                     f"{ratio8:.2f}", f"{ratio32:.2f}", f"{sequential:.2f}", verdict))
    return rows


def main():
    header = ("case", "K=1 s", "K=8 s", "K=32 s", "K=8 / K=1", "K=32 / K=1",
              "8 runs one by one s", f"K=8 <= {TARGET_RATIO_AT_8:g}x")
    rows = replica_rows()
    print(_table.render_text(header, rows))
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"OPENBLAS_NUM_THREADS={threads}")
    preamble = (f"Best of {REPEATS} runs; OPENBLAS_NUM_THREADS={threads}. "
                "A replica run is bitwise equal to the run of its seed alone "
                "(tests/test_replicas.py).")
    path = _table.write_markdown("replicas.md", "Replicas: K seeds in one call", preamble,
                                 header, rows)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
