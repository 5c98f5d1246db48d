"""Fixtures shared by the site and browser tests: the book is built once per run.

``make book`` (the README's command) builds the site into ``_build/html``.
Building takes a minute and executes every notebook, so it must happen once
per ``make test`` even when pytest-xdist runs several worker processes: the
first process to ask takes a file lock, builds and records the outcome under
a key shared by all workers of the run; the others wait on the lock and read
that outcome instead of building again.

Test modules use these fixtures by importing them
(``from tests.site_fixtures import built_site``); ``tests/conftest.py``
belongs to the library tests.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
HTML = BUILD / "html"
SCREENSHOTS = BUILD / "screenshots"

#: Generous: a cold build executes every notebook on a shared 2-core machine.
BUILD_TIMEOUT_S = 20 * 60

# One key per pytest run: xdist gives all workers of a run the same id.
_RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex


@dataclass(frozen=True)
class Site:
    """The outcome of one ``make book``."""

    html: Path
    returncode: int
    log: str
    seconds: float


def toc_docnames(toc_path: Path = ROOT / "_toc.yml") -> list[str]:
    """Every document of ``_toc.yml`` (root first), as Sphinx docnames."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(entries):
        for entry in entries or ():
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", ()):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [str(Path(name).with_suffix("")) for name in names]


@dataclass(frozen=True)
class Outcome:
    """How one ``make`` target of this test run ended."""

    returncode: int
    log: str
    seconds: float


def run_once_per_run(name: str, command: list[str], timeout: float) -> Outcome:
    """Run ``command`` in the repository unless another worker of this test run already did.

    pytest-xdist can hand tests that need the same build to both workers;
    two builds at once in one output folder corrupt each other (two xelatex
    runs writing one ``book.aux`` did, issue 10). An exclusive lock makes the
    second worker wait, and a record keyed by the run's id gives it the first
    worker's outcome. The log is kept in ``_build/<name>-build.log``.
    """
    BUILD.mkdir(exist_ok=True)
    record = BUILD / f".{name}-build-{_RUN_ID}.json"
    log_path = BUILD / f"{name}-build.log"
    with open(BUILD / f".{name}-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            for stale in BUILD.glob(f".{name}-build-*.json"):
                stale.unlink()
            start = time.perf_counter()
            result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                                    timeout=timeout)
            seconds = time.perf_counter() - start
            log_path.write_text(f"{result.stdout}{result.stderr}\n{name} took {seconds:.0f} s\n",
                                encoding="utf-8")
            record.write_text(json.dumps({"returncode": result.returncode, "seconds": seconds}),
                              encoding="utf-8")
        outcome = json.loads(record.read_text(encoding="utf-8"))
    return Outcome(outcome["returncode"], log_path.read_text(encoding="utf-8"), outcome["seconds"])


def make_once_per_run(target: str, timeout: float) -> Outcome:
    """``make <target>``, once per test run (:func:`run_once_per_run`)."""
    return run_once_per_run(target, ["make", "--no-print-directory", target], timeout)


def _build_once() -> Site:
    """``make book``, once per test run."""
    outcome = make_once_per_run("book", BUILD_TIMEOUT_S)
    return Site(HTML, outcome.returncode, outcome.log, outcome.seconds)


@pytest.fixture(scope="session")
def build_result() -> Site:
    """The outcome of ``make book``, successful or not (for the test that reports it)."""
    return _build_once()


@pytest.fixture(scope="session")
def built_site(build_result: Site) -> Path:
    """Path of the built ``_build/html``; fails the test if the build failed."""
    if build_result.returncode != 0:
        pytest.fail("make book failed; the end of its log:\n" + build_result.log[-4000:])
    return build_result.html


class _QuietHandler(SimpleHTTPRequestHandler):
    """Static file handler that keeps the test output free of access logs."""

    def log_message(self, format, *args):  # noqa: A002 (signature of the base class)
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    """Serve the built site on an ephemeral localhost port; yield its base URL."""
    handler = partial(_QuietHandler, directory=str(built_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


#: Headless Chromium as root on a closed network: without the background
#: networking flags it keeps trying to reach outside hosts at every start.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def launch_chromium(playwright):
    """Debian's Chromium (found by :mod:`tests.browser_path`) driven by Playwright."""
    from tests.browser_path import find_browser

    return playwright.chromium.launch(executable_path=find_browser(), args=CHROMIUM_FLAGS)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


#: Result links on Sphinx's search page, one per result line.
SEARCH_RESULT_LINKS = "#search-results ul.search > li > a"
#: Sphinx writes its status line once the result list is complete (or empty).
SEARCH_DONE = ("() => typeof Search !== 'undefined' && Search.status"
               " && Search.status.innerText.trim().length > 0")


def finished_search_results(page) -> list[str]:
    """The result hrefs of an open search page, read once Sphinx has listed them all.

    Sphinx appends the result lines one at a time and writes its status line
    only after the last; reading at the first line races with the rest (a CI
    run read four results and missed the chapter it looked for).
    """
    page.wait_for_function(SEARCH_DONE)
    return page.eval_on_selector_all(
        SEARCH_RESULT_LINKS, "links => links.map(link => link.getAttribute('href'))")
