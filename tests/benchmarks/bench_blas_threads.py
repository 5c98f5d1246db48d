"""One BLAS thread against OpenBLAS's default for the book's training loops (activations._blas).

``nets.train`` and the other loops run with BLAS limited to one thread. This
table shows why: the same training (one Part I learning-rate grid: digits,
MLP 64-32-32-10, 40 replicas, Adam, 4 epochs of batch 32, with the
validation score and dead-unit count after each epoch) timed as the loop
runs, and with the package's limit switched off (every decorated method,
not only ``train``), in a fresh Python that starts with OpenBLAS's default
(one thread per core; ``make bench`` itself exports
``OPENBLAS_NUM_THREADS=1``, which is dropped for the child). Measured on a
quiet machine and beside a busy process (a matrix product looping in another
Python), as under a build or a test run. Times are the best of ``REPEATS``
runs. Run with ``python -m tests.benchmarks blas_threads``; also written to
``bench-results/blas-threads.md``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from . import _table

REPEATS = 3
BUSY = "import numpy as np\na = np.ones((300, 300))\nwhile True:\n    a @ a\n"
CHILD = f"""
import contextlib, json, time
import numpy as np
from threadpoolctl import threadpool_info
from activations import _blas, data, nets, seeding


class Unlimited:
    # Stands in for the package's threadpoolctl controller: its limit does nothing.
    def limit(self, **_):
        return contextlib.nullcontext()


def train_unlimited(*args, **kwargs):
    saved, _blas._controller = _blas._controller, Unlimited()
    try:
        return nets.train(*args, **kwargs)
    finally:
        _blas._controller = saved

split = data.digits(seed=0)
rates = np.repeat(np.float32([0.001, 0.003, 0.01, 0.03, 0.1]), 8)[:, None, None]

def best(train):
    times = []
    for _ in range({REPEATS}):
        net = nets.MLP((64, 32, 32, 10), activation="tanh", init="xavier_uniform",
                       seed=seeding.seeds(40, "bench-blas"), dtype=np.float32)
        start = time.perf_counter()
        train(net, *split.train, optimizer=nets.Adam(rates), epochs=4, batch_size=32,
              validation=split.val)
        times.append(time.perf_counter() - start)
    return min(times)

threads = max(lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas")
print(json.dumps({{"threads": threads, "default": best(train_unlimited),
                  "one": best(nets.train)}}))
"""


def _child_times() -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    rows = []
    for setting in ("quiet", "beside a busy process"):
        busy = subprocess.Popen([sys.executable, "-c", BUSY]) if setting != "quiet" else None
        try:
            times = _child_times()
        finally:
            if busy is not None:
                busy.kill()
                busy.wait()
        rows.append((setting, times["threads"], f"{times['default']:.2f}", f"{times['one']:.2f}",
                     f"{times['default'] / times['one']:.2f}"))
    header = ("machine", "default BLAS threads", "default s", "1 thread (nets.train) s", "ratio")
    print(_table.render_text(header, rows))
    path = _table.write_markdown("blas-threads.md", "BLAS threads in the training loops",
                                 f"Best of {REPEATS} runs of one learning-rate grid "
                                 "(40 replicas, 136 Adam steps).", header, rows)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
