"""Serve the book's browser assets from the site itself, so every page reads offline.

MathJax 3 and the ipywidgets embed manager come from the npm registry at build
time (``package.json``, pinned by ``package-lock.json``; ``make book`` runs
``npm ci``). None of their files are committed: this Sphinx extension copies
them from ``node_modules`` into the built site's ``_static`` folder, and
``_config.yml`` points ``mathjax_path`` and ``nb_ipywidgets_js`` at those
copies. Without it a page would load both from a CDN and show raw TeX when the
network is cut.

The extension also refuses a configuration that would make a page load a
script from another host, so a later edit of ``_config.yml`` cannot quietly
bring the CDN back.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ConfigError, ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Folder under ``_static`` -> folder under ``node_modules`` it is copied from.
ASSETS = {
    "mathjax": Path("mathjax", "es5"),
    "ipywidgets": Path("@jupyter-widgets", "html-manager", "dist"),
}

#: Files never copied. Source maps are only read by a browser's developer
#: tools; MathJax's ``latest.js`` is a loader that fetches MathJax from a CDN.
SKIPPED_NAMES = ("latest.js",)
SKIPPED_SUFFIXES = (".map",)


def node_modules(app: Sphinx) -> Path:
    """Return the ``node_modules`` folder beside ``package.json`` (the source root)."""
    return Path(app.srcdir, "node_modules")


def _is_remote(uri: str) -> bool:
    return "://" in uri or uri.startswith("//")


def _configured_scripts(app: Sphinx) -> dict[str, str]:
    """Map each asset script the configuration loads to the config key naming it."""
    scripts = {app.config.mathjax_path: "mathjax_path"}
    for uri in getattr(app.config, "nb_ipywidgets_js", {}) or {}:
        scripts[uri] = "nb_ipywidgets_js"
    return scripts


def check_assets(app: Sphinx) -> None:
    """Fail early unless every configured asset script is a local, installed file."""
    if app.builder.format != "html":
        return
    root = node_modules(app)
    missing = [str(root / source) for source in ASSETS.values() if not (root / source).is_dir()]
    if missing:
        raise ExtensionError(
            "offline_assets: npm assets are not installed (missing "
            + ", ".join(missing)
            + "); run `make book`, which runs `npm ci` first"
        )
    for uri, key in _configured_scripts(app).items():
        if _is_remote(uri):
            raise ConfigError(
                f"offline_assets: {key} loads {uri!r} from another host; "
                "the book must read offline, so point it at a copy under _static"
            )
        folder, _, rest = uri.partition("/")
        if folder not in ASSETS or not (root / ASSETS[folder] / rest).is_file():
            raise ConfigError(
                f"offline_assets: {key} = {uri!r} is not one of the files copied into "
                f"_static (folders {sorted(ASSETS)})"
            )


def _wanted(path: Path) -> bool:
    return path.is_file() and path.name not in SKIPPED_NAMES and path.suffix not in SKIPPED_SUFFIXES


def sync_tree(source: Path, target: Path) -> int:
    """Copy the files of ``source`` into ``target`` that are new or changed.

    A file counts as unchanged when the copy has the same size and is not
    older, which keeps an unchanged rebuild from rewriting ~25 MB of MathJax.

    Returns
    -------
    int
        The number of files copied.
    """
    copied = 0
    for path in source.rglob("*"):
        if not _wanted(path):
            continue
        destination = target / path.relative_to(source)
        stat = path.stat()
        if destination.is_file():
            current = destination.stat()
            if current.st_size == stat.st_size and current.st_mtime >= stat.st_mtime:
                continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        copied += 1
    return copied


def copy_assets(app: Sphinx, exception: Exception | None) -> None:
    """After a successful HTML build, put the npm assets into ``_static``."""
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir, "_static")
    for folder, source in ASSETS.items():
        copied = sync_tree(node_modules(app) / source, static / folder)
        logger.info("offline_assets: %d file(s) copied into _static/%s", copied, folder)


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def drop_unused_widget_manager(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Load the widget manager only on pages that display a widget view.

    myst-nb adds the embed manager (1.9 MB) and the saved widget state to every
    page whose notebook created a widget while executing. The chapters'
    explorers show their self-contained HTML fallback on the site instead of
    the widget view (``nb_mime_priority_overrides``), so on such a page the
    manager would be downloaded and find nothing to render.
    """
    if WIDGET_VIEW in context.get("body", ""):
        return
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return

    def widget_script(js) -> bool:
        # The builder stores page scripts as "_static/<path given to add_js_file>".
        filename = str(getattr(js, "filename", "") or "").removeprefix("_static/")
        kind = getattr(js, "attributes", {}).get("type")
        return filename.startswith("ipywidgets/") or kind == WIDGET_STATE

    scripts[:] = [js for js in scripts if not widget_script(js)]


def rewrite_when_static_changed(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Mark the root page outdated when a file of ``html_static_path`` changed.

    Sphinx copies static files only when it writes pages; after an edit of
    nothing but a script or a stylesheet it finds "no targets out of date"
    and the site kept the old copy. Rewriting one page makes it copy them.
    """
    if app.builder.format != "html":
        return []
    target = Path(app.outdir, "_static")
    for folder in app.config.html_static_path:
        source = Path(app.confdir, folder)
        for path in source.rglob("*") if source.is_dir() else ():
            copy = target / path.relative_to(source)
            if path.is_file() and (not copy.exists() or copy.read_bytes() != path.read_bytes()):
                return [app.config.root_doc]
    return []


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", check_assets)
    app.connect("env-get-outdated", rewrite_when_static_changed)
    # After myst-nb (priority 500) has added the page's widget scripts.
    app.connect("html-page-context", drop_unused_widget_manager, priority=900)
    app.connect("build-finished", copy_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
