"""Every exercise's checks reject plausible wrong answers, in Chinese.

For each chapter with a file ``tests/wrong_answers/<slug>.py`` (format in
``tests/wrong_answers/README.md``) the notebook is executed once, cell by cell,
in one kernel (nbclient). At each exercise, after the real solution and its
checks have run, every wrong source is run in place of the solution cells,
followed by each of the exercise's ``check`` and ``hidden-check`` cells; then
the real solution cells run again to restore the state. The test fails unless

* the real solution passes its own checks,
* every wrong source is rejected by at least one check,
* every check rejects at least one wrong source,
* every rejection is an ``AssertionError`` whose message contains Chinese.

The fixture notebooks under ``tests/fixtures/`` show both sides: ``squares``
passes, and ``lenient`` (a check that accepts anything) is caught.
"""

from __future__ import annotations

import importlib.util
import re
import runpy
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
WRONG_DIR = ROOT / "tests" / "wrong_answers"
FIXTURES = ROOT / "tests" / "fixtures"
#: Per cell; the slowest chapter cell takes seconds, the margin is for a loaded machine.
CELL_TIMEOUT_S = 600
CHINESE = re.compile(r"[\u4e00-\u9fff]")
#: The error a check raises on a wrong answer (activations.checks raises AssertionError).
REJECTION = "AssertionError"


def load_converter():
    """Import book/_ext/assignments.py (the converter) once, as module ``assignments``."""
    if "assignments" in sys.modules and hasattr(sys.modules["assignments"], "scan"):
        return sys.modules["assignments"]
    spec = importlib.util.spec_from_file_location("assignments",
                                                  ROOT / "book" / "_ext" / "assignments.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["assignments"] = module
    spec.loader.exec_module(module)
    return module


assignments = load_converter()


def book_notebook(slug: str) -> Path:
    matches = [p for p in (ROOT / "book").rglob(f"{slug}.ipynb")
               if ".ipynb_checkpoints" not in p.parts]
    assert len(matches) == 1, f"tests/wrong_answers/{slug}.py: no single book notebook {slug}.ipynb"
    return matches[0]


def load_wrong(path: Path) -> dict[str, list[str]]:
    wrong = runpy.run_path(str(path)).get("WRONG")
    assert isinstance(wrong, dict), f"{path}: defines no WRONG dictionary"
    for label, sources in wrong.items():
        assert isinstance(sources, list) and sources and all(isinstance(s, str) for s in sources), \
            f"{path}: WRONG[{label!r}] must be a non-empty list of source strings"
    return wrong


@dataclass
class Outcome:
    """What one run of a cell did: None when it passed, else (ename, message)."""

    error: tuple[str, str] | None


def run(client: NotebookClient, source: str, index: int) -> Outcome:
    cell = nbformat.v4.new_code_cell(source)
    try:
        client.execute_cell(cell, index)
    except CellExecutionError as error:
        return Outcome((error.ename, str(error.evalue)))
    return Outcome(None)


def wrong_answer_problems(notebook: Path, wrong: dict[str, list[str]]) -> list[str]:
    """Run ``notebook`` with the wrong answers planted; return every problem found."""
    nb = nbformat.read(notebook, as_version=4)
    found = assignments.scan(nb, notebook.name)
    graded = {ex.label: ex for ex in found.exercises if ex.graded}
    problems = [f"WRONG has {label!r}, which is no graded exercise of {notebook.name}"
                for label in wrong if label not in graded]
    problems += [f"{label}: no wrong answers in tests/wrong_answers/{notebook.stem}.py"
                 for label in graded if label not in wrong]
    # After the last graded cell of an exercise, try its wrong answers.
    last_graded = {max(g.cell for g in ex.graded): ex for ex in graded.values()}

    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(notebook.parent)}})
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            outcome = run(client, cell.source, index)
            if outcome.error:
                problems.append(f"cell {index} fails with the real solution: "
                                f"{outcome.error[0]}: {outcome.error[1][:300]}")
                return problems
            exercise = last_graded.get(index)
            if exercise is not None and exercise.label in wrong:
                problems += _try_wrong(client, nb, exercise, wrong[exercise.label])
    return problems


def _try_wrong(client, nb, exercise, sources: list[str]) -> list[str]:
    problems = []
    solution = [nb.cells[i].source for i in exercise.solution_cells]
    rejected_by = {g.grade_id: 0 for g in exercise.graded}
    for number, source in enumerate(sources, 1):
        what = f"{exercise.label} wrong answer {number}"
        planted = run(client, source, exercise.solution_cells[0])
        if planted.error:
            problems.append(f"{what} does not run by itself ({planted.error[0]}); "
                            "a wrong answer must run and be caught by the checks")
        else:
            rejections = 0
            for graded in exercise.graded:
                outcome = run(client, nb.cells[graded.cell].source, graded.cell)
                if outcome.error is None:
                    continue
                ename, message = outcome.error
                if ename != REJECTION or not CHINESE.search(message):
                    problems.append(f"{what}: {graded.grade_id} raised {ename} without a "
                                    f"Chinese message: {message[:200]!r}")
                    continue
                rejections += 1
                rejected_by[graded.grade_id] += 1
            if rejections == 0:
                problems.append(f"{what} passes every check: {source[:120]!r}")
        for i, cell_source in zip(exercise.solution_cells, solution):
            restored = run(client, cell_source, i)
            assert restored.error is None, f"{exercise.label}: the real solution failed on re-run"
    problems += [f"{exercise.label}: {grade_id} rejects none of the wrong answers"
                 for grade_id, count in rejected_by.items() if count == 0]
    return problems


CHAPTERS = sorted(path.stem for path in WRONG_DIR.glob("*.py"))
#: (notebook, wrong answers) for every chapter with a file, and the well-formed fixture.
CASES = [pytest.param(lambda slug=slug: book_notebook(slug), WRONG_DIR / f"{slug}.py", id=slug)
         for slug in CHAPTERS]
CASES.append(pytest.param(lambda: FIXTURES / "notebooks" / "squares.ipynb",
                          FIXTURES / "wrong_answers" / "squares.py", id="fixture-squares"))


@pytest.mark.parametrize("notebook, wrong_file", CASES)
def test_checks_reject_the_wrong_answers(notebook, wrong_file):
    problems = wrong_answer_problems(notebook(), load_wrong(wrong_file))
    assert not problems, "\n".join(problems)


def test_every_graded_chapter_has_wrong_answers():
    """A chapter tagged for grading without a wrong-answer file is untested."""
    missing = [path.stem for path in assignments.book_notebooks()
               if assignments.is_tagged(path) and path.stem not in CHAPTERS]
    assert not missing, f"no tests/wrong_answers/<slug>.py for: {', '.join(missing)}"


def test_a_check_that_accepts_anything_is_caught():
    problems = wrong_answer_problems(FIXTURES / "notebooks" / "lenient.ipynb",
                                     load_wrong(FIXTURES / "wrong_answers" / "lenient.py"))
    joined = "\n".join(problems)
    assert "lenient-ex-double wrong answer 1 passes every check" in joined, joined
    assert "lenient-ex-double-check-1 rejects none of the wrong answers" in joined, joined
    assert "lenient-ex-double-hidden-1 rejects none of the wrong answers" in joined, joined
