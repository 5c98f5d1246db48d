"""How long each notebook takes in a fresh kernel, as a learner's Run All does.

Issue 7's target: every notebook at most 15 s on 2 cores with the default
BLAS threads, measured as ``jupyter nbconvert --execute`` measures it. This
benchmark runs exactly that command once per notebook under ``book/``, with
``OPENBLAS_NUM_THREADS`` removed from the child's environment (``make bench``
sets it to 1 for the other benchmarks), and times the whole command: kernel
start, imports, every cell. It also reads the per-cell timestamps nbclient
records in the executed copy and names the slowest cells, which is where a
notebook over its budget has to save. The CPU time of nbconvert and its
kernel is reported too: the work itself, which the load of the machine
changes much less than the wall time.

The times depend on what else the machine runs: the table records the load
average before each notebook. Run with ``python -m tests.benchmarks
notebooks``; the table is also written to ``bench-results/notebooks.md``.
``BENCH_NOTEBOOKS=relu,selu`` limits the run to notebooks whose file name
contains one of the given words.
"""

from __future__ import annotations

import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import _table

ROOT = Path(__file__).resolve().parents[2]
TARGET_SECONDS = 15.0
#: How many of the slowest cells the table names per notebook.
SLOWEST_CELLS = 3


def notebooks() -> list[Path]:
    """The book's notebooks, optionally filtered by ``BENCH_NOTEBOOKS``."""
    found = sorted(path for path in (ROOT / "book").rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in path.parts)
    words = [word for word in os.environ.get("BENCH_NOTEBOOKS", "").split(",") if word]
    return [path for path in found if not words or any(word in path.name for word in words)]


def execute(notebook: Path, out_dir: Path) -> tuple[float, float, Path]:
    """Run ``jupyter nbconvert --execute`` on ``notebook``.

    Returns the wall seconds, the CPU seconds of nbconvert and its kernel
    (user and system), and the path of the executed copy.
    """
    env = {key: value for key, value in os.environ.items() if key != "OPENBLAS_NUM_THREADS"}
    command = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
               "--ExecutePreprocessor.timeout=600", "--output-dir", str(out_dir), str(notebook)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=notebook.parent, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise RuntimeError(f"{notebook.relative_to(ROOT)} failed:\n{result.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, out_dir / notebook.name


def cell_seconds(executed: Path) -> list[tuple[int, float]]:
    """(code cell number from 1, seconds) for every code cell, from nbclient's timestamps."""
    cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    timings = []
    code_cells = (cell for cell in cells if cell["cell_type"] == "code")
    for number, cell in enumerate(code_cells, start=1):
        stamps = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in stamps and "shell.execute_reply" in stamps:
            begin = datetime.datetime.fromisoformat(stamps["iopub.execute_input"].rstrip("Z"))
            end = datetime.datetime.fromisoformat(stamps["shell.execute_reply"].rstrip("Z"))
            timings.append((number, (end - begin).total_seconds()))
    return timings


def rows() -> list[tuple]:
    """One row per notebook: path, seconds, CPU seconds, cells' sum, slowest cells, verdict, load."""
    table = []
    with tempfile.TemporaryDirectory() as tmp:
        for notebook in notebooks():
            load = os.getloadavg()[0]
            seconds, cpu, executed = execute(notebook, Path(tmp))
            cells = cell_seconds(executed)
            slowest = sorted(cells, key=lambda pair: -pair[1])[:SLOWEST_CELLS]
            named = ", ".join(f"#{number} {time_:.1f}" for number, time_ in slowest)
            verdict = "PASS" if seconds <= TARGET_SECONDS else "FAIL"
            table.append((str(notebook.relative_to(ROOT / "book")), f"{seconds:.1f}", f"{cpu:.1f}",
                          f"{sum(t for _, t in cells):.1f}", named, verdict, f"{load:.1f}"))
            print(" ".join(map(str, table[-1])), flush=True)
    return table


def main():
    header = ("notebook", "seconds", "CPU s", "in cells", "slowest code cells (s)", "<= 15 s",
              "load before")
    table = rows()
    print(_table.render_text(header, table))
    failed = sum(row[5] == "FAIL" for row in table)
    preamble = (
        f"`jupyter nbconvert --execute` per notebook in a fresh kernel, default BLAS threads; "
        f"target {TARGET_SECONDS:.0f} s each on 2 cores (issue 7). \"in cells\" is the sum of "
        f"nbclient's per-cell times; the rest is kernel start and nbconvert itself. "
        f"\"CPU s\" is the user and system time of nbconvert and its kernel: about the "
        f"wall time on an idle machine when one thread does the work. "
        f"{failed} of {len(table)} over the target. Load average = the 1-minute load "
        f"before the notebook started (other work on the machine slows it).")
    path = _table.write_markdown("notebooks.md", "Notebook run times", preamble, header, table)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
