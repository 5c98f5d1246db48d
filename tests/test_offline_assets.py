"""The Sphinx extension that serves MathJax and the widget manager from the site.

These tests call the extension's functions directly (no build): the guard
that refuses remote or uninstalled assets, the incremental copy, and the
rule that loads the widget manager only where a widget view is shown.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from sphinx.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def _load_extension():
    spec = importlib.util.spec_from_file_location(
        "offline_assets", ROOT / "book" / "_ext" / "offline_assets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


offline_assets = _load_extension()


def fake_app(tmp_path: Path, mathjax_path: str, widgets_js=("ipywidgets/embed.js",)):
    """An object with the few attributes the extension reads from a Sphinx app."""
    for folder in offline_assets.ASSETS.values():
        (tmp_path / "node_modules" / folder).mkdir(parents=True, exist_ok=True)
    (tmp_path / "node_modules" / "mathjax" / "es5" / "tex-mml-chtml.js").write_text("// mj")
    (tmp_path / "node_modules" / "@jupyter-widgets" / "html-manager" / "dist" / "embed.js"
     ).write_text("// embed")
    config = SimpleNamespace(mathjax_path=mathjax_path,
                             nb_ipywidgets_js={uri: {} for uri in widgets_js})
    return SimpleNamespace(config=config, srcdir=str(tmp_path),
                           builder=SimpleNamespace(format="html"))


def test_local_configuration_passes(tmp_path):
    offline_assets.check_assets(fake_app(tmp_path, "mathjax/tex-mml-chtml.js"))


@pytest.mark.parametrize("uri", [
    "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js",
    "//cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js",
])
def test_a_cdn_mathjax_is_refused(tmp_path, uri):
    with pytest.raises(ConfigError, match="another host"):
        offline_assets.check_assets(fake_app(tmp_path, uri))


def test_a_cdn_widget_manager_is_refused(tmp_path):
    app = fake_app(tmp_path, "mathjax/tex-mml-chtml.js",
                   widgets_js=("https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager/dist/embed.js",))
    with pytest.raises(ConfigError, match="nb_ipywidgets_js"):
        offline_assets.check_assets(app)


def test_a_file_that_is_not_copied_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="not one of the files copied"):
        offline_assets.check_assets(fake_app(tmp_path, "mathjax/tex-svg.js"))


def test_sync_copies_new_and_changed_files_only(tmp_path):
    source, target = tmp_path / "src", tmp_path / "dst"
    (source / "sub").mkdir(parents=True)
    (source / "a.js").write_text("a")
    (source / "sub" / "b.woff").write_text("b")
    (source / "a.js.map").write_text("map")
    (source / "latest.js").write_text("cdn loader")
    assert offline_assets.sync_tree(source, target) == 2
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) \
        == ["a.js", "sub/b.woff"]
    assert offline_assets.sync_tree(source, target) == 0
    (source / "a.js").write_text("a, changed")
    later = (target / "a.js").stat().st_mtime + 10
    os.utime(source / "a.js", (later, later))
    assert offline_assets.sync_tree(source, target) == 1
    assert (target / "a.js").read_text() == "a, changed"


def _scripts():
    js = SimpleNamespace
    return [js(filename="_static/doctools.js", attributes={}),
            js(filename="_static/ipywidgets/embed.js", attributes={}),
            js(filename=None, attributes={"type": offline_assets.WIDGET_STATE, "body": "{}"}),
            js(filename="_static/mathjax/tex-mml-chtml.js", attributes={"defer": "defer"})]


def test_widget_manager_dropped_from_a_page_without_widget_view():
    context = {"body": "<div class='act-explorer'></div>", "script_files": _scripts()}
    offline_assets.drop_unused_widget_manager(None, "page", "page.html", context, None)
    assert [js.filename for js in context["script_files"]] == [
        "_static/doctools.js", "_static/mathjax/tex-mml-chtml.js"]


def test_widget_manager_kept_where_a_widget_view_is_shown():
    body = f'<script type="{offline_assets.WIDGET_VIEW}">{{}}</script>'
    context = {"body": body, "script_files": _scripts()}
    offline_assets.drop_unused_widget_manager(None, "page", "page.html", context, None)
    assert len(context["script_files"]) == 4
