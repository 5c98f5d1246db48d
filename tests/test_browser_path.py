"""How the browser tests find a browser (tests/browser_path.py), checked without one."""

from __future__ import annotations

import pytest

from tests import browser_path


def _finder(env=None, on_path=(), present=()):
    return browser_path.find_browser(
        environ=env or {},
        which=lambda name: f"/found/{name}" if name in on_path else None,
        exists=lambda path: path in present)


def test_the_environment_variable_wins():
    assert _finder({browser_path.ENV_VAR: "/my/chrome"}, on_path=("chromium",),
                   present=("/my/chrome",)) == "/my/chrome"


def test_a_missing_configured_browser_is_an_error_not_a_fallback():
    with pytest.raises(FileNotFoundError, match="does not exist"):
        _finder({browser_path.ENV_VAR: "/nowhere/chrome"}, on_path=("chromium",))


def test_path_names_in_order_then_standard_locations():
    assert _finder(on_path=("google-chrome", "chromium")) == "/found/chromium"
    assert _finder(on_path=("google-chrome",)) == "/found/google-chrome"
    assert _finder(present=("/opt/google/chrome/chrome",)) == "/opt/google/chrome/chrome"


def test_nothing_found_is_none():
    assert _finder() is None


def test_the_hint_names_the_command():
    assert "apt-get install chromium fonts-noto-cjk" in browser_path.INSTALL_HINT
