"""Build the whole book as one PDF: ``make pdf`` -> ``_build/latex/book.pdf``.

Two steps:

1. Sphinx's LaTeX builder, configured by Jupyter Book from ``_config.yml`` and
   ``_toc.yml`` exactly as ``make book`` configures the HTML builder (the
   same call ``jupyter-book build --builder latex`` makes), with ``-W
   --keep-going``. Notebooks are executed in cache mode against the same
   jupyter-cache (``_build/.jupyter_cache``), so after ``make book`` no
   notebook runs again. The LaTeX build keeps its own doctree folder
   (``_build/.doctrees-latex``): doctrees hold builder-specific content (the
   teaching guide's links to the site's student notebooks) and the HTML
   build's environment must not be rewritten by a PDF build or read by one.
2. ``latexmk`` with xelatex (the Makefile Sphinx writes into
   ``_build/latex``), which repeats the run until cross-references settle.

The summary line gives the page count, the time, and what the LaTeX log
reports about missing glyphs and overfull lines (``tests/test_pdf.py``
holds the book to none of the first and no overfull line wider than 20 pt).

Before building it checks the tools the PDF needs (xelatex with the LaTeX
packages Sphinx loads, latexmk, rsvg-convert, the fonts ``_config.yml``
names, poppler's pdffonts/pdftotext/pdftoppm for the test). What is missing
is installed from Debian when running as root or with passwordless sudo, as
``.ci/run`` does; anywhere else the build stops with one line naming the
command to run.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "_build"
LATEX = BUILD / "latex"
DOCTREES = BUILD / ".doctrees-latex"
#: The name ``latex_documents`` gives the book in _config.yml.
STEM = "book"

#: An overfull line wider than this is a visible defect (text in the margin).
OVERFULL_LIMIT_PT = 20.0

#: An overfull line, and the next log line: the start of its text.
_OVERFULL = re.compile(r"^Overfull \\hbox \((?P<pt>[0-9.]+)pt too wide\)(?P<where>.*)\n(?P<text>.*)$",
                       re.M)
_MISSING = re.compile(r"^Missing character: There is no (?P<char>.+?) \(U\+(?P<code>[0-9A-F]+)\)"
                      r" in font (?P<font>[^!]+)!", re.M)
#: A TeX error as -file-line-error reports it, with the line of context after it.
_ERROR = re.compile(r"^\S+:\d+: .*(?:\n.*)?$", re.M)
_PAGES = re.compile(r"^Output written on .*\((?P<pages>\d+) pages?[,)]", re.M)


#: Debian package -> what shows it is installed: ("command", name),
#: ("tex", a file kpsewhich finds) or ("font", a fontconfig family).
DEBIAN_PACKAGES = {
    "texlive-xetex": [("command", "xelatex")],
    "texlive-lang-chinese": [("tex", "xeCJK.sty"), ("tex", "zhnumber.sty")],
    "texlive-latex-recommended": [("tex", "fontspec.sty"), ("tex", "booktabs.sty")],
    "texlive-latex-extra": [("tex", "titlesec.sty"), ("tex", "tabulary.sty"),
                            ("tex", "newunicodechar.sty")],
    "texlive-fonts-recommended": [("tex", "pzdr.tfm")],
    "latexmk": [("command", "latexmk")],
    "librsvg2-bin": [("command", "rsvg-convert")],
    "fonts-noto-cjk": [("font", "Noto Serif CJK SC"), ("font", "Noto Sans CJK SC"),
                       ("font", "Noto Sans Mono CJK SC")],
    "fonts-dejavu-core": [("font", "DejaVu Serif"), ("font", "DejaVu Sans"),
                          ("font", "DejaVu Sans Mono")],
    "poppler-utils": [("command", "pdffonts"), ("command", "pdftotext"),
                      ("command", "pdftoppm")],
}


def _present(kind: str, name: str) -> bool:
    if kind == "command":
        return shutil.which(name) is not None
    if kind == "tex":
        return (shutil.which("kpsewhich") is not None
                and subprocess.run(["kpsewhich", name], capture_output=True).returncode == 0)
    # fc-list -q exits 1 when no installed font matches the family.
    return (shutil.which("fc-list") is not None
            and subprocess.run(["fc-list", "-q", name]).returncode == 0)


def missing_packages() -> list[str]:
    """The Debian packages of :data:`DEBIAN_PACKAGES` that seem not to be installed."""
    return [package for package, probes in DEBIAN_PACKAGES.items()
            if not all(_present(kind, name) for kind, name in probes)]


def install_hint(packages) -> str:
    return ("make pdf needs TeX, fonts and tools from Debian: run `sudo apt-get install "
            f"--no-install-recommends {' '.join(packages)}`")


def _privilege_prefix() -> list[str] | None:
    """[] as root, ["sudo", "-n"] with passwordless sudo, None otherwise."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"],
                                               capture_output=True).returncode == 0:
        return ["sudo", "-n"]
    return None


def ensure_tools() -> None:
    """Install the missing Debian packages where allowed.

    Raises
    ------
    SystemExit
        With one line naming the ``apt-get`` command, when something is
        missing and cannot be installed here (not root, no passwordless
        sudo, no apt-get) or the installation failed.
    """
    missing = missing_packages()
    if not missing:
        return
    prefix = _privilege_prefix()
    if prefix is None or shutil.which("apt-get") is None:
        raise SystemExit(install_hint(missing))
    print(f"make pdf: installing {' '.join(missing)} from Debian (apt-get)",
          file=sys.stderr, flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing]):
        if subprocess.run(prefix + command, env=env, stdout=subprocess.DEVNULL).returncode != 0:
            raise SystemExit(f"apt-get failed; {install_hint(missing)}")
    still = missing_packages()
    if still:
        raise SystemExit(install_hint(still))


@dataclass(frozen=True)
class LogReport:
    """What the LaTeX log says about the finished PDF."""

    pages: int | None
    missing: list[tuple[str, str, str]]   # (character, code point, font)
    overfull: list[tuple[float, str]]     # (points too wide, where)

    def too_wide(self, limit: float = OVERFULL_LIMIT_PT) -> list[tuple[float, str]]:
        return [(pt, where) for pt, where in self.overfull if pt > limit]


def read_log(path: Path = LATEX / f"{STEM}.log") -> LogReport:
    """Parse the xelatex log of the last run (the one that wrote the PDF).

    Parameters
    ----------
    path : Path
        The ``.log`` file xelatex writes beside the PDF.

    Returns
    -------
    LogReport
        Page count (``None`` if no PDF was written), every missing
        character, every overfull horizontal box.
    """
    text = path.read_text(encoding="utf-8", errors="replace")
    pages = _PAGES.search(text)
    return LogReport(
        pages=int(pages["pages"]) if pages else None,
        missing=sorted({(m["char"], m["code"], m["font"].strip()) for m in _MISSING.finditer(text)}),
        overfull=[(float(m["pt"]), f'{m["where"].strip()}: {m["text"].strip()}')
                  for m in _OVERFULL.finditer(text)],
    )


def build_latex() -> int:
    """Write ``_build/latex/book.tex`` (and its images) with Jupyter Book's configuration.

    Returns
    -------
    int
        Sphinx's status code: 0 when the build had no warning.
    """
    from jupyter_book.sphinx import build_sphinx

    # The overrides the Jupyter Book command line passes for a book build.
    result = build_sphinx(
        ROOT, LATEX,
        use_external_toc=True,
        noconfig=True,
        path_config=str(ROOT / "_config.yml"),
        confoverrides={"external_toc_path": (ROOT / "_toc.yml").as_posix(),
                       "latex_individualpages": False},
        doctreedir=DOCTREES,
        builder="latex",
        warningiserror=True,
        keep_going=True,
    )
    # build_sphinx reports an exception by returning it.
    return result if isinstance(result, int) else 1


def run_latexmk() -> int:
    """Typeset ``book.tex`` with xelatex until references settle (Sphinx's Makefile)."""
    env = dict(os.environ,
               # Stop at the first TeX error with its message instead of prompting.
               LATEXMKOPTS="-interaction=nonstopmode -halt-on-error -file-line-error",
               # One message per log line (TeX wraps at 79 characters by
               # default), so read_log sees every font name and width whole.
               max_print_line="10000", error_line="254", half_error_line="238")
    return subprocess.run(["make", "--no-print-directory", "-C", str(LATEX), "all-pdf"],
                          env=env).returncode


def _context_of_first_error(log: Path, lines: int = 12) -> list[str]:
    """The log lines before TeX's first error, and the table of contents it read.

    A later latexmk pass overwrites the log of the pass that failed first, so
    what led to the error is printed here, where the caller's log keeps it.
    """
    if not log.exists():
        return []
    text = log.read_text(encoding="utf-8", errors="replace").splitlines()
    first = next((i for i, line in enumerate(text) if _ERROR.match(line)), None)
    context = [] if first is None else ["--- the log before the first error:",
                                        *text[max(0, first - lines): first + 3]]
    toc = log.with_suffix(".toc")
    if toc.exists():
        entries = toc.read_text(encoding="utf-8", errors="replace").splitlines()
        context += [f"--- {toc.name}: {len(entries)} lines, the last ones:", *entries[-3:]]
    return context


@contextlib.contextmanager
def only_build_here():
    """Hold ``_build/.pdf.lock`` for the whole build: one ``make pdf`` per checkout at a time.

    Two builds at once share ``_build/latex``: one xelatex pass then reads
    the ``book.aux`` another is half-way through writing (cut inside a
    character), and stops with "File ended while scanning use of
    \\@newl@bel". A second ``make pdf`` waits for the first instead.
    """
    BUILD.mkdir(exist_ok=True)
    with open(BUILD / ".pdf.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("make pdf: another make pdf is building in this folder; waiting for it",
                  file=sys.stderr, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check-tools", action="store_true",
                        help="only list the missing Debian packages (exit 1 if any)")
    args = parser.parse_args(argv)
    if args.check_tools:
        missing = missing_packages()
        print(" ".join(missing) if missing else "all tools present")
        return 1 if missing else 0
    ensure_tools()
    with only_build_here():
        return build()


def build() -> int:
    """The LaTeX build, then xelatex; 0 when the PDF was written."""
    start = time.perf_counter()
    if build_latex() != 0:
        print("make pdf: the LaTeX build of the book failed (see the warnings above)",
              file=sys.stderr)
        return 1
    pdf = LATEX / f"{STEM}.pdf"
    status = run_latexmk()
    if status != 0 or not pdf.exists():
        log = LATEX / f"{STEM}.log"
        errors = _ERROR.findall(log.read_text(encoding="utf-8", errors="replace")
                                if log.exists() else "")
        print("\n".join(["", *errors[:5], *_context_of_first_error(log),
                         f"make pdf: xelatex failed; the log is {log.relative_to(ROOT)}"]),
              file=sys.stderr)
        return 1
    report = read_log()
    seconds = time.perf_counter() - start
    print(f"make pdf: {pdf.relative_to(ROOT)}, {report.pages} pages in {seconds:.0f} s; "
          f"{len(report.missing)} missing character(s), "
          f"{len(report.too_wide())} line(s) more than {OVERFULL_LIMIT_PT:g} pt too wide")
    return 0


if __name__ == "__main__":
    sys.exit(main())
