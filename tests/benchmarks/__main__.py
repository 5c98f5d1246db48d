"""Run every ``bench_*.py`` module in this folder and print its tables.

Each benchmark module defines ``main()`` that prints its own table(s).
``python -m tests.benchmarks NAME ...`` runs only the named ones
(``accuracy``, ``speed``, ...).
"""

import importlib
import pathlib
import sys


def main(argv):
    here = pathlib.Path(__file__).parent
    names = sorted(p.stem.removeprefix("bench_") for p in here.glob("bench_*.py"))
    chosen = argv or names
    unknown = sorted(set(chosen) - set(names))
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {unknown}; choose from {names}")
    for name in chosen:
        print(f"\n=== bench_{name} ===", flush=True)
        importlib.import_module(f"tests.benchmarks.bench_{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
