"""Every notebook under book/ runs top to bottom in a fresh kernel, as a learner runs it.

Under the base seed the site build (``make book``) is that run: myst-nb
executes every notebook in a fresh kernel and fails the build on any error.
:func:`test_notebook_ran_in_the_site_build` asserts that the build's execution
cache holds a successful run of each notebook *as it is now* (same code
cells), and records the execution times in ``_build/notebook-times.json``
(DESIGN section 8 aims at 15 s each; a benchmark figure, not asserted here).
Running every notebook once more under nbval would repeat the same work (the
nbgrader and wrong-answer tests run them again besides).

The second pass is run by nbval in ``--nbval-lax`` mode: every cell must execute
without an error, and stored outputs are not compared (the notebooks are
stored without outputs). A notebook asserts its own results inside its cells,
so a wrong number fails here, not only an exception.

nbval runs in a child pytest, one per notebook, so that pytest-xdist can hand
whole notebooks to workers (nbval's per-cell items must share one kernel) and
so that this suite's own options do not leak into the notebook run.

Every notebook that draws random numbers (it uses ``activations.seeding``) runs
a second time under another base seed (``ACTIVATIONS_SEED``): an assert that
holds for one seed only is a defect, not a test (README, "Evidence").
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from activations import seeding
from tests.site_fixtures import (  # noqa: F401 (fixtures used by name)
    BUILD, build_result, built_site)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(path for path in (ROOT / "book").rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in path.parts)
#: Generous per notebook: DESIGN section 8 aims at 15 s on 2 cores, and the
#: machine is shared with the rest of the suite.
NOTEBOOK_TIMEOUT_S = 600
ANSI = re.compile(r"\x1b\[[0-9;]*m")


#: The base seed of the second pass: every assert of an experiment notebook must
#: hold under another draw of all its random numbers (README, "Evidence").
SECOND_BASE_SEED = "20261203"


def _is_experiment(path: Path) -> bool:
    """A notebook that trains or samples draws its randomness from activations.seeding."""
    return "seeding" in path.read_text(encoding="utf-8")


EXPERIMENTS = [path for path in NOTEBOOKS if _is_experiment(path)]


def _run_nbval(notebook: Path, base_seed: str) -> str:
    env = dict(os.environ, **{seeding.ENV_VAR: base_seed})
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env",
         "-p", "no:cacheprovider", "-p", "no:xdist", "-q", "--tb=short",
         str(notebook.relative_to(ROOT))],
        cwd=ROOT, capture_output=True, text=True, timeout=NOTEBOOK_TIMEOUT_S, env=env,
    )
    report = ANSI.sub("", result.stdout + result.stderr)
    assert result.returncode == 0, report[-6000:]
    assert re.search(r"\b\d+ passed\b", report), report[-2000:]
    return report


def test_the_book_has_notebooks():
    assert NOTEBOOKS, "no notebook found under book/"


@pytest.fixture(scope="module")
def execution_cache(built_site):  # noqa: F811
    """The site build's jupyter-cache (the build has run, successfully)."""
    from jupyter_cache import get_cache

    return get_cache(BUILD / ".jupyter_cache")


@pytest.mark.site
@pytest.mark.xdist_group("site")
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: str(path.relative_to(ROOT)))
def test_notebook_ran_in_the_site_build(notebook, execution_cache):
    """The build executed this notebook's current code, top to bottom, without an error."""
    import nbformat

    try:
        record = execution_cache.match_cache_notebook(nbformat.read(notebook, as_version=4))
    except KeyError:
        pytest.fail(f"{notebook.name}: the build's cache holds no run of its current code")
    seconds = float(record.data.get("execution_seconds", float("nan")))
    times_path = BUILD / "notebook-times.json"
    times = json.loads(times_path.read_text(encoding="utf-8")) if times_path.exists() else {}
    times[str(notebook.relative_to(ROOT))] = round(seconds, 1)
    times_path.write_text(json.dumps(times, indent=1, sort_keys=True), encoding="utf-8")
    assert seconds > 0, f"{notebook.name}: the cache has no execution time"


#: An inline expression in a Markdown cell: {eval}`...` (activations.prose).
EVAL_ROLE = re.compile(r"\{eval\}`([^`]*)`")


@pytest.mark.site
@pytest.mark.xdist_group("site")
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_quoted_number_is_glued_above_its_sentence(notebook, execution_cache):
    """JupyterLab evaluates a Markdown cell's {eval} roles when Run All reaches the cell.

    So every value the text quotes must be glued by a code cell above that
    text; one glued further down shows as an error in the learner's notebook
    (the site, which reads all glued values at once, would not notice).
    """
    import nbformat
    from myst_nb.ext.glue import extract_glue_data_cell

    from activations.prose import glued_names

    _, executed = execution_cache.merge_match_into_notebook(nbformat.read(notebook, as_version=4))
    glued_in: dict[str, int] = {}
    late = []
    for index, cell in enumerate(executed.cells):
        if cell.cell_type == "code":
            for key, _ in extract_glue_data_cell(cell):
                glued_in.setdefault(key, index)
            continue
        for expression in EVAL_ROLE.findall(cell.source):
            for name in glued_names(expression):
                if glued_in.get(name, len(executed.cells)) > index:
                    late.append(f"cell {index}: {name} (glued in cell {glued_in.get(name)})")
    assert not late, f"{notebook.name}: quoted before the code that glues it: {late}"


@pytest.mark.parametrize("notebook", EXPERIMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_experiment_notebook_holds_under_another_base_seed(notebook):
    """The same notebook with every random number drawn anew: its asserts must still hold."""
    _run_nbval(notebook, SECOND_BASE_SEED)


def test_jupyterlab_has_the_widgets_extension():
    """`make lab` shows live ipywidgets only if JupyterLab's widget manager is enabled."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter"), "labextension", "list"],
        capture_output=True, text=True, timeout=120,
    )
    listing = ANSI.sub("", result.stdout + result.stderr)
    assert result.returncode == 0, listing
    assert re.search(r"@jupyter-widgets/jupyterlab-manager v\S+ enabled OK", listing), listing
