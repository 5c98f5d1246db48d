"""Mutation testing of the package (``make mutants``): run mutmut, write the score table.

mutmut 3 plants one small change (a mutant) at a time in the package --
``<`` for ``<=``, a constant off by one, a dropped argument -- and runs the
fast library tests against it. A mutant the tests reject is *killed*; one
they accept *survives* and points at a behaviour no test pins down, unless
the change does not alter what the code computes (an *equivalent* mutant,
listed with its reason in ``tests/mutants_equivalent.txt``).

mutmut names a mutant after the module path of its file and strips only a
``src.`` prefix, so the package (``code/activations``) is staged as
``build/mutmut/src/activations`` beside a copy of ``tests/`` and
``pyproject.toml`` (whose ``[tool.mutmut]`` section selects the modules
and the tests), and mutmut runs there. The staging directory is kept
between runs: only files whose content changed are copied again, and
mutmut re-tests only the functions that changed. A change to
``[tool.mutmut]`` (such as a test file added to the selection) is the
exception: the next run starts with every mutant untested.

mutmut imports the package once and switches each mutant on at call time,
which cannot reach code that runs at import (GELU's and Swish's constants,
computed with mpmath): ``tests/mutants_plugin.py`` (loaded through
``[tool.mutmut] pytest_add_cli_args``) imports the package afresh for the
mutants of those functions, listed before each run, and credits their
calls to the tests of the modules that use the results.

Usage::

    python -m tests.mutants                 # every module in [tool.mutmut] only_mutate
    python -m tests.mutants tanh prelu      # some modules (the table keeps the others' last results)
    python -m tests.mutants --survivors     # test survivors again (after adding tests) and untested ones
    python -m tests.mutants --report-only   # rewrite the table from the last run

The table goes to ``bench-results/mutants.md``: per module the number of
mutants, killed, equivalent (listed and still surviving), survived, and the
score killed / (mutants - equivalent); the run time per module (from the
durations mutmut records per mutant), the rate and an estimate for all
mutants; then the diff of every survivor.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Where mutmut runs (MUTANTS_STAGE overrides it, e.g. to run two module groups side by side).
STAGE = Path(os.environ.get("MUTANTS_STAGE", ROOT / "build" / "mutmut"))
EQUIVALENT_LIST = ROOT / "tests" / "mutants_equivalent.txt"
REPORT = ROOT / "bench-results" / "mutants.md"
PACKAGE = "activations"
TARGET_SCORE = 0.95

#: mutmut's exit-code meaning (mutmut.stats.status_by_exit_code), the ones that matter here.
KILLED_CODES = {1, 3, 36, -24, 24, 152, 255}   # a failing test, pytest error, or a timeout
SURVIVED_CODES = {0}


def stage() -> None:
    """Bring the package, the tests and pyproject.toml in the staging directory up to date."""
    for source, target in [(ROOT / "code" / PACKAGE, STAGE / "src" / PACKAGE),
                           (ROOT / "tests", STAGE / "tests"),
                           # tests/conftest.py imports the nbgrader converter at session start
                           (ROOT / "book" / "_ext", STAGE / "book" / "_ext")]:
        sync_tree(source, target)
    sync_file(ROOT / "pyproject.toml", STAGE / "pyproject.toml")


def sync_file(source: Path, target: Path) -> None:
    """Copy ``source`` over ``target`` if their contents differ, with a new modification time.

    mutmut regenerates a module's mutants only when the source is newer than
    its mutated copy; ``copy2`` would keep the original's (possibly older)
    time and leave stale mutants of an edited file in place.
    """
    if target.exists() and target.read_bytes() == source.read_bytes():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def sync_tree(source: Path, target: Path) -> None:
    """Make ``target`` a copy of ``source`` (caches left out), touching only what changed."""
    ignored = {"__pycache__", ".pytest_cache"}
    wanted = set()
    for path in source.rglob("*"):
        relative = path.relative_to(source)
        if ignored & set(relative.parts) or path.suffix == ".pyc" or not path.is_file():
            continue
        wanted.add(relative)
        sync_file(path, target / relative)
    if target.exists():
        for path in sorted(target.rglob("*"), reverse=True):
            relative = path.relative_to(target)
            if path.is_file() and relative not in wanted and not ignored & set(relative.parts):
                path.unlink()


def record_import_time() -> None:
    """Generate the mutants, then list the functions the package calls while it is imported.

    tests/mutants_plugin.py imports the package afresh only for mutants of
    those functions (``mutants/mutmut-import-time.json``). The mutants are
    generated first (mutmut's own step, which ``mutmut run`` then finds up
    to date) so that the list is made from today's code; the plugin is
    imported from the staged tests, before mutmut's older copy is on the path.
    """
    code = "\n".join([
        "from pathlib import Path",
        "from tests.mutants_plugin import record_import_time",
        "from mutmut.__main__ import (copy_also_copy_files, copy_src_dir, create_mutants,",
        "                             setup_source_paths)",
        "from mutmut.mutation.trampoline import set_mutant_under_test",
        "set_mutant_under_test('mutant_generation')",
        "copy_src_dir(); copy_also_copy_files(); setup_source_paths(); create_mutants(2)",
        "record_import_time(Path('mutants/mutmut-import-time.json'))",
    ])
    env = dict(os.environ, PYTHONPATH=str(STAGE))
    subprocess.run([sys.executable, "-c", code], cwd=STAGE, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def run_mutmut(patterns: list[str], children: int) -> dict:
    """Run mutmut on mutants matching ``patterns``; return what the run cost.

    With no pattern mutmut tests only the mutants it has no result for (new
    or changed code); a mutant named by a pattern is always tested again.
    The CPU time is that of every process of the run (mutant generation,
    mutmut's stats and clean runs, the mutants' test processes): on a
    machine shared with other work it measures the run better than the
    wall time.
    """
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    mutmut = Path(sys.executable).with_name("mutmut")
    before = _durations_seen()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    record_import_time()
    subprocess.run([str(mutmut), "run", "--max-children", str(children), *patterns],
                   cwd=STAGE, env=env, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall": time.perf_counter() - start,
            "cpu": (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime),
            "tested": sum(before.get(key) != value for key, value in _durations_seen().items()),
            "load": os.getloadavg()[0]}


def _durations_seen() -> dict[str, float]:
    return {name: seconds for durations in load_durations().values()
            for name, seconds in durations.items()}


def load_results() -> dict[str, dict[str, int | None]]:
    """{module: {mutant name: exit code}} from mutmut's .meta files."""
    results = {}
    for meta in sorted((STAGE / "mutants" / "src" / PACKAGE).glob("*.py.meta")):
        module = meta.name[: -len(".py.meta")]
        results[module] = json.loads(meta.read_text())["exit_code_by_key"]
    return results


def load_durations() -> dict[str, dict[str, float]]:
    """{module: {mutant name: seconds its tests ran}} from mutmut's .meta files."""
    durations = {}
    for meta in sorted((STAGE / "mutants" / "src" / PACKAGE).glob("*.py.meta")):
        module = meta.name[: -len(".py.meta")]
        durations[module] = json.loads(meta.read_text()).get("durations_by_key", {})
    return durations


def timing_lines(results, durations, children: int) -> list[str]:
    """Per module: the time its tested mutants took, the rate, and the estimate for all its mutants.

    Each mutant's duration is the wall time of its own test process; with
    ``children`` processes side by side a module takes about the sum divided
    by ``children``. Modules with no timed mutant are estimated at the mean
    rate of the others. mutmut's fixed costs (the stats run over the whole
    selection, the clean run) come on top, once per invocation.
    """
    rows, total_estimate, timed_n, timed_s = [], 0.0, 0, 0.0
    for module, codes in results.items():
        times = [durations.get(module, {}).get(name) for name, code in codes.items()
                 if code is not None]
        times = [t for t in times if t is not None]
        if times:
            wall = sum(times) / children
            timed_n, timed_s = timed_n + len(times), timed_s + wall
            rows.append([module, len(times), wall, len(times) / wall if wall else 0.0, len(codes)])
        else:
            rows.append([module, 0, None, None, len(codes)])
    mean_rate = timed_n / timed_s if timed_s else None
    lines = [f"| module | mutants timed | seconds ({children} workers) | mutants/s | "
             "all mutants | estimate for all (s) |", "|---|---:|---:|---:|---:|---:|"]
    for module, n, wall, rate, count in rows:
        used = rate or mean_rate
        estimate = count / used if used else None
        total_estimate += estimate or 0.0
        lines.append(f"| {module} | {n} | {'' if wall is None else f'{wall:.0f}'} | "
                     f"{'' if rate is None else f'{rate:.2f}'} | {count} | "
                     f"{'' if estimate is None else f'{estimate:.0f}'}"
                     f"{' (at the mean rate)' if rate is None and estimate else ''} |")
    if mean_rate:
        lines += ["", f"Mean rate {mean_rate:.2f} mutants/s; all modules: about "
                      f"{total_estimate / 3600:.1f} h plus mutmut's stats and clean runs "
                      "(several minutes per invocation)."]
    return lines


def load_equivalent() -> dict[str, tuple[str, str]]:
    """{mutant name: (fragment of its changed line, reason)} from tests/mutants_equivalent.txt.

    Each entry is one line ``name | fragment | reason``. The fragment must
    occur in the mutant's diff, so that an entry cannot silently move to
    another mutant when mutmut renumbers them after a code change.
    """
    entries = {}
    for number, line in enumerate(EQUIVALENT_LIST.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [part.strip() for part in line.split(" | ")]
        if len(parts) != 3 or not all(parts):
            raise SystemExit(f"{EQUIVALENT_LIST}:{number}: expected 'name | fragment | reason'")
        entries[parts[0]] = (parts[1], parts[2])
    return entries


def mutant_diff(name: str) -> str:
    """The diff of one mutant against the original function (as ``mutmut show`` prints it)."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant   # only make mutants needs it

    module = name.split(".")[1]
    cwd = os.getcwd()
    os.chdir(STAGE)      # mutmut reads mutants/ relative to the working directory
    try:
        return get_diff_for_mutant(name, path=f"src/{PACKAGE}/{module}.py")
    finally:
        os.chdir(cwd)


def changed_lines(diff: str) -> str:
    """The added lines of a diff, without their '+' marker."""
    return "\n".join(line[1:] for line in diff.splitlines()
                     if line.startswith("+") and not line.startswith("+++"))


def summarise(results, equivalent):
    """Rows of the score table, the survivors with their diffs, and stale list entries."""
    rows, survivors, stale = [], [], []
    for module, all_codes in results.items():
        # Mutants not tested yet (a run cut short, a module left out) have no exit code.
        codes = {name: code for name, code in all_codes.items() if code is not None}
        untested = len(all_codes) - len(codes)
        if not codes:
            continue
        killed = sum(code in KILLED_CODES for code in codes.values())
        equivalent_here, survived, other = 0, 0, 0
        for name, code in sorted(codes.items(), key=lambda item: _number(item[0])):
            if code in KILLED_CODES:
                if name in equivalent:
                    stale.append(f"{name}: listed as equivalent but killed")
                continue
            if code not in SURVIVED_CODES:
                other += 1
                survivors.append((module, name, f"not killed (exit code {code})", None))
                continue
            diff = mutant_diff(name)
            if name in equivalent and equivalent[name][0] in changed_lines(diff):
                equivalent_here += 1
                continue
            if name in equivalent:
                stale.append(f"{name}: its diff no longer contains {equivalent[name][0]!r}")
            survived += 1
            survivors.append((module, name, "survived", diff))
        total = len(codes)
        live = total - equivalent_here
        score = killed / live if live else 1.0
        rows.append((module, total, killed, equivalent_here, survived + other, score, untested))
    listed = {name for codes in results.values() for name in codes}
    stale += [f"{name}: listed as equivalent but not a mutant" for name in equivalent
              if name not in listed]
    return rows, survivors, stale


def _number(name: str) -> tuple[str, int]:
    stem, _, number = name.rpartition("__mutmut_")
    return stem, int(number) if number.isdigit() else 0


def write_report(rows, survivors, stale, run: dict | None, tags=None, timing=None) -> str:
    lines = ["# Mutation testing (`make mutants`)", ""]
    if run is not None and run["tested"]:
        per_mutant = run["cpu"] / run["tested"]
        lines += [f"Last mutmut run: {run['tested']} mutants in {run['wall']:.0f} s "
                  f"(load average {run['load']:.1f} at its end), {run['cpu']:.0f} s of CPU "
                  f"including mutmut's set-up: {per_mutant:.2f} CPU seconds a mutant, so "
                  f"all {run['all']} mutants would take about "
                  f"{run['all'] * per_mutant / 2 / 3600:.1f} h on two otherwise idle cores.", ""]
    lines += ["| module | mutants | killed | equivalent | survived | score | not tested yet |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    totals = [0, 0, 0, 0, 0]
    for module, total, killed, equivalent, survived, score, untested in rows:
        flag = "" if score >= TARGET_SCORE else " (below 95 %)"
        lines.append(f"| {module} | {total} | {killed} | {equivalent} | {survived} | "
                     f"{100 * score:.1f} %{flag} | {untested} |")
        for i, value in enumerate((total, killed, equivalent, survived, untested)):
            totals[i] += value
    live = totals[0] - totals[2]
    lines.append(f"| **all** | {totals[0]} | {totals[1]} | {totals[2]} | {totals[3]} | "
                 f"{100 * totals[1] / live if live else 100:.1f} % | {totals[4]} |")
    lines += ["", "Score = killed / (mutants - equivalent), over the mutants tested; "
              "equivalent mutants are listed, with the reason, in "
              "`tests/mutants_equivalent.txt`. Killed includes timeouts.", ""]
    if tags:
        lines += ["Equivalent mutants by kind: " + ", ".join(
            f"{tag} {count}" for tag, count in sorted(tags.items())) + ".", ""]
    if timing:
        lines += ["## Run time", ""] + timing + [""]
    if stale:
        lines += ["## Stale entries in tests/mutants_equivalent.txt", ""]
        lines += [f"- {entry}" for entry in stale] + [""]
    lines += [f"## Surviving mutants ({len(survivors)})", ""]
    for module, name, status, diff in survivors:
        lines += [f"### `{name}` ({status})", ""]
        if diff:
            lines += ["```diff", diff.strip(), "```", ""]
    text = "\n".join(lines) + "\n"
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(text)
    return text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="module names, e.g. tanh prelu (default: all)")
    parser.add_argument("--report-only", action="store_true", help="only rewrite the table")
    parser.add_argument("--children", type=int, default=2, help="parallel mutmut workers")
    parser.add_argument("--survivors", action="store_true",
                        help="test every mutant that survived the last run, or was not tested yet")
    args = parser.parse_args(argv)
    run = None
    if not args.report_only:
        patterns = [f"{PACKAGE}.{module}.*" for module in args.modules]
        if args.survivors:
            patterns = [name for codes in load_results().values()
                        for name, code in codes.items() if code in SURVIVED_CODES | {None}
                        and any(fnmatch.fnmatch(name, p) for p in patterns or ["*"])]
            if not patterns:
                print("no surviving mutants to test again")
        stage()
        if patterns or not args.survivors:
            run = run_mutmut(patterns, args.children)
    results, equivalent = load_results(), load_equivalent()
    if run is not None:
        run["all"] = sum(len(codes) for codes in results.values())
    rows, survivors, stale = summarise(results, equivalent)
    tested = {name for codes in results.values() for name, code in codes.items() if code == 0}
    tags = {}
    for name, (_, reason) in equivalent.items():
        if name in tested:
            tag = reason.split(":", 1)[0]
            tags[tag] = tags.get(tag, 0) + 1
    timing = timing_lines(results, load_durations(), args.children)
    text = write_report(rows, survivors, stale, run, tags, timing)
    table_end = text.index("\n\n", text.index("| module"))
    print(text[:table_end])
    print(f"\n{len(survivors)} surviving mutants; details in {REPORT.relative_to(ROOT)}")
    below = [row[0] for row in rows if row[5] < TARGET_SCORE]
    return 1 if below or stale else 0


if __name__ == "__main__":
    sys.exit(main())
