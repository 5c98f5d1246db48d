"""Find the Chromium (or Chrome) the browser tests drive, and install it where we may.

The site and search tests open the built book in a real headless browser
through Playwright, which never downloads a browser of its own here. This
module finds one the way users have it:

1. ``$ACTIVATIONS_BROWSER`` (a path to a Chromium-family executable);
2. the usual names on ``PATH``: chromium, chromium-browser, google-chrome,
   google-chrome-stable, chrome;
3. the standard install locations of Debian's Chromium and of Google Chrome
   on Linux and macOS.

``python -m tests.browser_path --ensure`` (run by ``make test`` before pytest)
prints the browser it found. If there is none, on Debian or Ubuntu as root (or
with passwordless sudo) it installs Debian's ``chromium`` and the CJK font
``fonts-noto-cjk`` with apt, as ``.ci/run`` does; anywhere else it stops with
one line naming the command to run, before any test starts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ENV_VAR = "ACTIVATIONS_BROWSER"
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
LOCATIONS = (
    "/usr/bin/chromium",
    "/usr/lib/chromium/chromium",
    "/snap/bin/chromium",
    "/opt/google/chrome/chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)
DEBIAN_PACKAGES = ("chromium", "fonts-noto-cjk")
INSTALL_HINT = ("make test needs Chromium and a CJK font: run "
                "`sudo apt-get install chromium fonts-noto-cjk` (Debian/Ubuntu), or set "
                f"{ENV_VAR}=/path/to/chrome")


def find_browser(environ=os.environ, which=shutil.which, exists=os.path.exists) -> str | None:
    """Path of a Chromium-family browser, or None.

    The lookups are parameters so the search order can be tested without a browser.
    """
    configured = environ.get(ENV_VAR, "").strip()
    if configured:
        if not exists(configured):
            raise FileNotFoundError(f"{ENV_VAR}={configured!r} does not exist")
        return configured
    for name in NAMES:
        found = which(name)
        if found:
            return found
    return next((path for path in LOCATIONS if exists(path)), None)


def _is_debian_like() -> bool:
    try:
        text = Path("/etc/os-release").read_text(encoding="utf-8").lower()
    except OSError:
        return False
    return any(f"id={name}" in text or f"id_like={name}" in text or f"id_like=\"{name}" in text
               for name in ("debian", "ubuntu"))


def _privilege_prefix() -> list[str] | None:
    """[] as root, ["sudo", "-n"] with passwordless sudo, None otherwise."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"],
                                               capture_output=True).returncode == 0:
        return ["sudo", "-n"]
    return None


def _has_cjk_font() -> bool:
    if not shutil.which("fc-list"):
        return False
    result = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True)
    return bool(result.stdout.strip())


def ensure() -> str:
    """Return a browser path, installing Debian's Chromium and CJK font if allowed.

    Raises
    ------
    SystemExit
        With one line naming the command to run, when no browser can be had.
    """
    browser = find_browser()
    if browser and _has_cjk_font():
        return browser
    prefix = _privilege_prefix()
    if not (_is_debian_like() and prefix is not None and shutil.which("apt-get")):
        if browser:   # a browser without a CJK font still runs the tests; say what is missing
            print("note: no CJK font found (fonts-noto-cjk); Chinese text may render as boxes",
                  file=sys.stderr)
            return browser
        raise SystemExit(INSTALL_HINT)
    missing = [p for p in DEBIAN_PACKAGES if not (p == "chromium" and browser)
               and not (p == "fonts-noto-cjk" and _has_cjk_font())]
    print(f"installing {' '.join(missing)} from Debian (apt-get) for the browser tests",
          file=sys.stderr, flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing]):
        if subprocess.run(prefix + command, env=env).returncode != 0:
            raise SystemExit(f"apt-get failed; {INSTALL_HINT}")
    browser = find_browser()
    if browser is None:
        raise SystemExit(INSTALL_HINT)
    return browser


def main(argv: list[str]) -> None:
    if argv[:1] == ["--ensure"]:
        print(f"browser: {ensure()}")
    else:
        print(find_browser() or INSTALL_HINT)


if __name__ == "__main__":
    main(sys.argv[1:])
