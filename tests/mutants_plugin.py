"""pytest plugin for ``make mutants``: test each mutant in a freshly imported package.

mutmut 3 imports the package once, in its main process, to collect which
tests call which function (the *stats* run); then it forks one child per
mutant and switches the mutant on through an environment variable that
every function's trampoline reads at call time. Code that runs at import
time -- the module-level constants of ``gelu`` and ``swish``, computed with
mpmath through ``_exact.double_double`` and the ``*_exact`` helpers -- has
then already run, unmutated, in the parent, so such a mutant cannot change
anything the tests see, and mutmut reported it as surviving (``hi = None``
in ``double_double`` "survived"). Its stats also credited those calls to
whichever test happened to run first.

Loaded with ``-p tests.mutants_plugin`` (``[tool.mutmut] pytest_add_cli_args``),
this plugin fixes both:

* in the child of a mutant of a function that runs at import time (listed
  in ``mutants/mutmut-import-time.json``, see :func:`record_import_time`)
  it drops the package and the test modules from ``sys.modules`` before
  pytest loads ``conftest.py``, so that collection imports them again with
  the mutant switched on, exactly as a fresh ``pytest`` run on the mutated
  source would; a mutant that makes the import itself fail ends the child
  with exit code 1 (killed), since every test importing the package would
  fail;
* in the stats run it records which functions run at import time and from
  which module's top level, takes them out of the first test's account, and
  credits each one with every test of the modules whose import called it
  and of the modules that import those (their constants flow there).

Outside ``make mutants`` (no ``MUTANT_UNDER_TEST``) it does nothing.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = "activations"
#: Modules dropped before a mutant's tests are collected (this plugin is kept).
FRESH_PREFIXES = (PACKAGE, "tests")

#: {mangled function name: {module whose top-level code called it}}, filled during the stats run.
_import_time_callers: dict[str, set[str]] = defaultdict(set)


def _mutant_under_test() -> str:
    return os.environ.get("MUTANT_UNDER_TEST", "")


def _in_mutant_child() -> bool:
    return "__mutmut_" in _mutant_under_test()


#: Written by ``tests/mutants.py`` before each run: the functions the package calls while it is imported.
IMPORT_TIME_FILE = "mutmut-import-time.json"


def _needs_fresh_import(rootdir: Path) -> bool:
    """True if the mutant under test is in a function that runs at import time.

    Every other function is reached through its trampoline at call time,
    so the package imported in the parent serves; importing it again costs
    about 1.5 s of CPU per mutant. Without the list, import afresh always.
    """
    listing = rootdir / IMPORT_TIME_FILE
    if not listing.exists():
        return True
    function = _mutant_under_test().rpartition("__mutmut_")[0]
    return function in set(json.loads(listing.read_text()))


def _drop_fresh_modules() -> None:
    """Forget the package and the tests, so that the next import runs their module code again."""
    for name in list(sys.modules):
        if name == __name__:
            continue
        if any(name == prefix or name.startswith(prefix + ".") for prefix in FRESH_PREFIXES):
            del sys.modules[name]


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    """Before conftest.py (which imports the package) loads: prepare the import.

    In the stats run, start noting import-time calls; in a mutant's child,
    import the package again with the mutant on.
    """
    if _mutant_under_test() == "stats":
        _install_import_time_recorder()
    if not _in_mutant_child() or not _needs_fresh_import(Path.cwd()):
        return
    _drop_fresh_modules()
    try:
        importlib.import_module(PACKAGE)
    except BaseException as error:   # noqa: BLE001 -- any failure of the import kills the mutant
        sys.__stderr__.write(f"{_mutant_under_test()}: importing {PACKAGE} fails: {error!r}\n")
        os._exit(1)


# ---------------------------------------------------------------------------
# Stats run: who calls what at import time
# ---------------------------------------------------------------------------

def _importing_module(frame) -> str | None:
    """The package module whose top-level code is executing on the stack of ``frame``, if any."""
    while frame is not None:
        if frame.f_code.co_name == "<module>":
            module = frame.f_globals.get("__name__", "")
            if module == PACKAGE or module.startswith(PACKAGE + "."):
                return module
        frame = frame.f_back
    return None


def record_import_time(output: Path) -> None:
    """Import the (mutated) package in stats mode and write which functions ran at import time.

    Run by ``tests/mutants.py`` in a fresh process inside mutmut's ``mutants/``
    directory before each ``mutmut run``.
    """
    from mutmut.mutation.trampoline import set_mutant_under_test

    set_mutant_under_test("stats")
    _install_import_time_recorder()
    importlib.import_module(PACKAGE)
    output.write_text(json.dumps(sorted(_import_time_callers), indent=1) + "\n")


def _install_import_time_recorder() -> None:
    """Wrap mutmut's hit recorder so that it also notes hits made by module-level code."""
    from mutmut.mutation import trampoline

    record = trampoline.record_trampoline_hit
    if getattr(record, "_records_import_time", False):
        return

    def record_with_caller(name, caller=None):
        module = _importing_module(sys._getframe(1))
        if module is not None:
            _import_time_callers[name].add(module)
        return record(name, caller=caller)

    record_with_caller._records_import_time = True
    trampoline.record_trampoline_hit = record_with_caller


def pytest_collection_finish(session):
    """Import-time hits happened during collection: they belong to no single test."""
    if _mutant_under_test() != "stats":
        return
    from mutmut.state import state

    state()._stats.difference_update(_import_time_callers)


def _package_imports(source_dir: Path) -> dict[str, set[str]]:
    """{module: modules of the package it imports}, read from the sources (relative imports)."""
    imports = {}
    for path in source_dir.glob("*.py"):
        module = PACKAGE if path.stem == "__init__" else f"{PACKAGE}.{path.stem}"
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    found.add(f"{PACKAGE}.{node.module}")
                else:
                    found.update(f"{PACKAGE}.{alias.name}" for alias in node.names)
        imports[module] = found
    return imports


def dependents(modules: set[str], imports: dict[str, set[str]]) -> set[str]:
    """``modules`` and every module that imports one of them, directly or not (not ``__init__``).

    The package's ``__init__`` imports everything only to re-export it, so it
    does not make every module a dependent of every other.
    """
    found, todo = set(), list(modules)
    while todo:
        module = todo.pop()
        if module in found:
            continue
        found.add(module)
        todo += [m for m, used in imports.items() if module in used and m != PACKAGE]
    return found


def pytest_sessionfinish(session):
    """Credit each import-time function with the tests of the modules its results flow into."""
    if _mutant_under_test() != "stats" or not _import_time_callers:
        return
    from mutmut.state import state

    tests = state().tests_by_mangled_function_name
    source_dir = Path(sys.modules[PACKAGE].__file__).parent
    imports = _package_imports(source_dir)
    for function, callers in _import_time_callers.items():
        reached = dependents(callers, imports)
        for name, names in list(tests.items()):
            if name.rpartition(".")[0] in reached:
                tests[function] |= names
