"""The learner's JupyterLab in a real browser: the chapters read as the site does.

``make lab`` starts JupyterLab on ``book/`` with jupyterlab-myst, which renders
the chapters' MyST and evaluates their ``{eval}`` numbers in the kernel. Here
JupyterLab runs on localhost with a random token, serving a copy of ``book/``
(so autosave never writes outputs into the repository), and headless
Chromium opens a Part I chapter, a Part II chapter, the summary and the start
page, runs all cells and checks what a learner sees:

* no error output and no raw MyST markup (``{eval}``, ``{glue``, ``{cite``,
  directive fences, ``:::``, ``solution-start``);
* every quoted number in its sentence, with the characters the site shows
  (computed by :func:`activations.prose.shown_text` from the values the run
  glued);
* exercises rendered as exercise boxes;
* the explorer's live widget changes its readout when a slider moves (a
  round trip through the kernel).

Screenshots go to ``_build/screenshots/lab-*.png``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from activations.prose import glued_names, shown_text
from tests.site_fixtures import SCREENSHOTS, browser  # noqa: F401 (fixture used by name)

pytestmark = [pytest.mark.lab, pytest.mark.browser, pytest.mark.xdist_group("lab")]

ROOT = Path(__file__).resolve().parent.parent
#: A chapter's Run All on a shared 2-core machine (DESIGN section 8: 15 s each
#: on a quiet machine; the rest of the suite runs beside this test).
RUN_ALL_TIMEOUT_S = 240
START_TIMEOUT_S = 120
EVAL_ROLE = re.compile(r"\{eval\}`([^`]*)`")
EXERCISE_TITLE = re.compile(r"^```\{exercise\}[ \t]*(.+)$", re.M)
RAW_MYST = ["{eval}", "{glue", "{cite", "```{", ":::", "solution-start", "solution-end",
            "{doc}", "{numref}", "{ref}", "{term}"]
#: The page make lab opens on (the Makefile's LAB_START).
START_PAGE = re.search(r"^LAB_START\s*:=\s*(\S+)",
                       (ROOT / "Makefile").read_text(encoding="utf-8"), re.M).group(1)
CHAPTERS = ["why/nonlinearity.ipynb", "functions/sigmoid.ipynb", "summary.ipynb",
            "appendix/jupyterlab.ipynb"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on localhost over a copy of book/; yields (base URL, token, root)."""
    root = tmp_path_factory.mktemp("lab") / "book"
    shutil.copytree(ROOT / "book", root, ignore=shutil.ignore_patterns("_ext", "_static"))
    port, token = _free_port(), secrets.token_hex(16)
    home = root.parent / "home"
    # Render every cell: JupyterLab's default windowing leaves cells outside the
    # viewport unrendered, and the test reads the whole notebook's text.
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    # No "get notified about Jupyter news?" toast over the screenshots.
    notification = home / "settings" / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env = dict(os.environ, HOME=str(home), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTER_CONFIG_DIR=str(home / "config"), OPENBLAS_NUM_THREADS="1",
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"))
    command = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser",
               f"--port={port}", "--ip=127.0.0.1", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
               f"--LabApp.workspaces_dir={home / 'workspaces'}",
               "--LabApp.news_url=", "--ServerApp.allow_root=True",
               f"--LabApp.default_url=/lab/tree/{START_PAGE}"]  # as make lab does
    log = open(root.parent / "lab.log", "w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("JupyterLab did not start:\n" + (root.parent / "lab.log").read_text())
            time.sleep(0.5)
    yield base, token, root
    _stop_lab(server, base, token)
    log.close()


def _stop_lab(server: subprocess.Popen, base: str, token: str) -> None:
    """Shut the kernels down through the REST API, then the server.

    The server's shutdown hangs in one of its extensions for 30 s or more;
    the kernels are stopped first so that killing the server leaves none.
    """
    def call(method: str, route: str):
        request = urllib.request.Request(f"{base}{route}?token={token}", method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()

    try:
        for kernel in json.loads(call("GET", "/api/kernels")):
            call("DELETE", f"/api/kernels/{kernel['id']}")
        call("POST", "/api/shutdown")
        server.wait(timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        server.kill()
        server.wait(timeout=30)



def _open_and_run_all(browser, lab, path: str):
    """Open a notebook in JupyterLab, run all cells, wait for the kernel; return the page."""
    base, token, _ = lab
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(START_TIMEOUT_S * 1000)
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    # A workspace of its own, so JupyterLab does not restore the notebooks an
    # earlier test opened (the current widget must be this notebook).
    workspace = f"test-{secrets.token_hex(4)}"
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{path}?reset&token={token}")
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.sessionContext"
        " && window.jupyterapp.shell.currentWidget.sessionContext.session"
        " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
        " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'")
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    # Done when every code cell has an execution count and the kernel is idle again.
    try:
        _wait_for_run_all(page)
    except PlaywrightTimeout:
        state = page.evaluate(
            """() => { const panel = window.jupyterapp.shell.currentWidget;
                 const cells = panel.content.model.toJSON().cells;
                 return {kernel: panel.sessionContext.session.kernel.status,
                         waiting: cells.map((c, i) => [i, c.cell_type, c.execution_count])
                                       .filter(c => c[1] === 'code' && c[2] === null)
                                       .map(c => c[0])}; }""")
        pytest.fail(f"{path}: Run All did not finish in {RUN_ALL_TIMEOUT_S} s: {state}")
    page.wait_for_timeout(1500)  # the last Markdown cells render their expressions
    return page


def _wait_for_run_all(page):
    page.wait_for_function(
        """() => {
          const panel = window.jupyterapp.shell.currentWidget;
          const cells = panel.content.model.toJSON().cells.filter(c => c.cell_type === 'code');
          const failed = cells.some(c => c.outputs.some(o => o.output_type === 'error'));
          return failed || (cells.every(c => c.execution_count !== null)
              && panel.sessionContext.session.kernel.status === 'idle');
        }""", timeout=RUN_ALL_TIMEOUT_S * 1000, polling=1000)


def _notebook_json(page) -> dict:
    return page.evaluate("() => window.jupyterapp.shell.currentWidget.content.model.toJSON()")


def _glued_plain_text(notebook: dict) -> dict[str, str]:
    """The text/plain of every value the run glued (myst-nb's scrapbook outputs)."""
    glued = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook")
            if record:
                glued[record["name"]] = output["data"][record["mime_prefix"] + "text/plain"]
    return glued


def _markdown_texts(page) -> list[str]:
    """The rendered text of each Markdown cell, in order."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.jp-Notebook .jp-MarkdownCell'))
              .map(cell => (cell.querySelector('.jp-MarkdownOutput') || cell).innerText)""")


@pytest.mark.parametrize("path", CHAPTERS)
def test_a_chapter_reads_in_jupyterlab_as_on_the_site(browser, lab, path):
    page = _open_and_run_all(browser, lab, path)
    notebook = _notebook_json(page)
    errors = [f"cell {i}: {o.get('ename')}: {o.get('evalue')}"
              for i, cell in enumerate(notebook["cells"]) for o in cell.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors, errors

    rendered = _markdown_texts(page)
    sources = [("".join(c["source"]) if isinstance(c["source"], list) else c["source"])
               for c in notebook["cells"] if c["cell_type"] == "markdown"]
    assert len(rendered) == len(sources), "a Markdown cell was not rendered"
    raw = sorted({mark for text in rendered for mark in RAW_MYST if mark in text})
    assert not raw, f"{path}: raw MyST markup visible: {raw}"

    plain = _glued_plain_text(notebook)
    missing = []
    for source, text in zip(sources, rendered):
        flat = " ".join(text.split())
        for expression in EVAL_ROLE.findall(source):
            shown = " ".join(shown_text(expression, plain.__getitem__).split())
            # An expression jupyterlab-myst did not evaluate shows as its own source.
            if shown not in flat or expression in text:
                missing.append(f"{expression} -> {shown!r}")
    assert not missing, f"{path}: quoted numbers not shown in their sentences: {missing[:10]}"

    # Citations read as citations: no BibTeX key shows (lab_citations' links).
    keys = set(re.findall(r"@\w+\{([^,\s]+),", (ROOT / "book" / "references.bib").read_text()))
    shown_keys = sorted({key for key in keys for text in rendered if key in text})
    assert not shown_keys, f"{path}: raw citation keys visible: {shown_keys}"
    # Each exercise shows its title (the directive line itself is gone, above).
    exercises = [(index, title) for index, source in enumerate(sources)
                 for title in EXERCISE_TITLE.findall(source)]
    untitled = [title for index, title in exercises if title not in rendered[index]]
    assert not untitled, f"{path}: exercises not rendered with their titles: {untitled}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = Path(path).stem
    if exercises:  # the first exercise, with the prose above it
        page.locator(".jp-Notebook .jp-MarkdownCell").nth(exercises[0][0]).evaluate(
            "cell => cell.scrollIntoView({block: 'end'})")
    page.screenshot(path=str(SCREENSHOTS / f"lab-{name}.png"), full_page=False)
    page.context.close()


def test_the_explorer_answers_its_slider_through_the_kernel(browser, lab):
    page = _open_and_run_all(browser, lab, "functions/sigmoid.ipynb")
    slider = page.locator(".jp-Notebook .widget-slider").first
    slider.scroll_into_view_if_needed()
    readout = page.locator(".jp-Notebook .widget-label").last
    before = readout.inner_text()
    # Drag the handle as a learner would (ipywidgets 8 sliders are noUiSlider).
    box = slider.locator(".noUi-handle").first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y, steps=6)
    page.mouse.up()
    page.wait_for_function(
        "([el, before]) => el.innerText !== before", arg=[readout.element_handle(), before],
        timeout=30_000)
    after = readout.inner_text()
    assert after != before
    readout.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "lab-explorer.png"))
    (SCREENSHOTS / "lab-explorer.json").write_text(json.dumps({"before": before, "after": after}))
    page.context.close()


def test_make_lab_opens_on_the_start_page(browser, lab):
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--LabApp.default_url=/lab/tree/$(LAB_START)" in makefile
    page = ROOT / "book" / START_PAGE
    assert page.exists(), page
    base, token, _ = lab
    tab = browser.new_context().new_page()
    tab.goto(f"{base}/?token={token}")  # where a learner lands
    tab.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.context", timeout=START_TIMEOUT_S * 1000)
    opened = tab.evaluate("() => window.jupyterapp.shell.currentWidget.context.path")
    tab.context.close()
    assert opened == START_PAGE
    text = page.read_text(encoding="utf-8")
    toc_notebooks = re.findall(r"file: book/((?:why|functions)/[\w-]+|summary)", (ROOT / "_toc.yml").read_text())
    unlinked = [name for name in toc_notebooks if f"{name}.ipynb" not in text]
    assert not unlinked, f"the start page does not link {unlinked}"
