"""Builds that tests share run once per test run, and one ``make pdf`` per checkout at a time.

Two ``make pdf`` at once (pytest-xdist had sent the PDF tests to both
workers) wrote one ``book.aux`` from two xelatex runs and broke the PDF build
(issue 10). These tests start real processes side by side and check that the
second one waits for the first.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid

from tests.site_fixtures import BUILD, ROOT

PROBE = "lock-probe"


def _start(code: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_workers_share_one_run_of_a_build(tmp_path):
    """Both callers get the outcome; the command itself ran once."""
    counter = tmp_path / "runs.txt"
    command = (f"import time; open({str(counter)!r}, 'a').write('ran\\n'); time.sleep(1.5); "
               "print('built')")
    env = {**os.environ, "PYTEST_XDIST_TESTRUNUID": uuid.uuid4().hex}
    code = f"""
        import sys
        from tests.site_fixtures import run_once_per_run
        outcome = run_once_per_run({PROBE!r}, [sys.executable, "-c", {command!r}], 60)
        print(outcome.returncode, "built" in outcome.log)
    """
    workers = [_start(code, env) for _ in range(2)]
    outputs = [worker.communicate(timeout=120) for worker in workers]
    try:
        assert [out.strip() for out, _ in outputs] == ["0 True", "0 True"], outputs
        assert counter.read_text().splitlines() == ["ran"]
    finally:
        for leftover in BUILD.glob(f"*{PROBE}-build*"):
            leftover.unlink()


def test_a_second_make_pdf_waits_for_the_first():
    """pdf.py's lock: the second holder starts only after the first let go, and says why."""
    code = """
        import sys, time
        sys.path.insert(0, "book/_ext")
        import pdf
        with pdf.only_build_here():
            print(f"in {time.time():.3f}", flush=True)
            time.sleep(float(sys.argv[1]) if len(sys.argv) > 1 else 1.5)
            print(f"out {time.time():.3f}", flush=True)
    """
    first = _start(code, dict(os.environ))
    assert first.stdout.readline().startswith("in ")        # the first one holds the lock
    second = _start(code, dict(os.environ))
    out_first, _ = first.communicate(timeout=60)
    out_second, err_second = second.communicate(timeout=60)
    released = float(out_first.split()[-1])
    entered = float(out_second.split()[1])
    assert entered >= released, (out_first, out_second)
    assert "another make pdf is building in this folder" in err_second
