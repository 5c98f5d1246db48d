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


def _build_once() -> Site:
    """Run ``make book`` unless another worker of this run already did."""
    BUILD.mkdir(exist_ok=True)
    record = BUILD / f".site-build-{_RUN_ID}.json"
    with open(BUILD / ".site-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            for stale in BUILD.glob(".site-build-*.json"):
                stale.unlink()
            start = time.perf_counter()
            result = subprocess.run(
                ["make", "--no-print-directory", "book"],
                cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
            )
            seconds = time.perf_counter() - start
            log = result.stdout + result.stderr
            (BUILD / "site-build.log").write_text(log, encoding="utf-8")
            record.write_text(json.dumps(
                {"returncode": result.returncode, "seconds": seconds}), encoding="utf-8")
        outcome = json.loads(record.read_text(encoding="utf-8"))
    log = (BUILD / "site-build.log").read_text(encoding="utf-8")
    return Site(HTML, outcome["returncode"], log, outcome["seconds"])


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
