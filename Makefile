# Every target sets up .venv from requirements.txt first (once, and again
# whenever requirements.txt or pyproject.toml change).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help book test test-lab test-pdf bench lab clean mutants assignments pdf

# Browser assets the site serves itself (MathJax 3, the ipywidgets embed
# manager), pinned by package-lock.json; npm writes this file on every install.
NPM_STAMP := node_modules/.package-lock.json
# The experiments multiply small matrices; OpenBLAS threads only add
# contention there (measured: a 20-layer sweep took 4.5 s with default
# threads on a busy 2-core machine, 0.2 s with one), and pytest already runs
# two workers. Learners' own sessions (make lab) keep the default, but the
# package's training and probing loops limit BLAS to one thread themselves
# (activations/_blas.py; make bench: blas_threads).
test book pdf bench: export OPENBLAS_NUM_THREADS := 1
# JupyterLab refuses to run as root unless told to (containers, CI machines).
LAB_ROOT  := $(if $(filter 0,$(shell id -u)),--allow-root)

help:
	@echo "make book   build the HTML book into _build/html (executes every notebook)"
	@echo "make test   run the whole test suite (library, notebooks, site, browsers, JupyterLab)"
	@echo "make test-pdf  the PDF test alone (part of make test)"
	@echo "make pdf    the whole book as one PDF: _build/latex/book.pdf (xelatex)"
	@echo "make bench  print the accuracy and speed tables (DESIGN section 8)"
	@echo "make mutants  mutation testing of the package (bench-results/mutants.md)"
	@echo "make lab    open JupyterLab on book/ (start page: appendix/jupyterlab.ipynb)"
	@echo "make test-lab  the JupyterLab browser test alone (part of make test)"
	@echo "make assignments  nbgrader course in assignments/ (student versions in release/)"
	@echo "make autograde ASSIGNMENT=<slug>  nbgrader autograde, each kernel confined (bubblewrap)"

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# Executes every notebook (cached in _build/.jupyter_cache, so an unchanged
# rebuild runs nothing); any warning or failing cell fails the build.
book: $(STAMP) $(NPM_STAMP)
	$(BIN)/jupyter-book build . --warningiserror --keep-going

# The whole book as one PDF, _build/latex/book.pdf (book/_ext/pdf.py): Sphinx's
# LaTeX builder on the execution cache of make book (nothing runs again after
# it), then xelatex. TeX, the fonts and rsvg-convert come from Debian: the
# script installs what is missing when root (or passwordless sudo), else it
# stops with one line naming the apt-get command.
pdf: $(STAMP)
	$(BIN)/python book/_ext/pdf.py

# Two workers: the site and browser tests share one worker (xdist_group
# "site"), so the book is built once while the library tests run beside it.
# The browser tests need Chromium: found on PATH or in the usual places, else
# installed from Debian when root (or passwordless sudo), else one line says how.
test: $(STAMP) $(NPM_STAMP)
	$(BIN)/python -m tests.browser_path --ensure
	@$(BWRAP_SETUP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# The PDF test (tests/test_pdf.py) alone, after the site build. Part of make test.
test-pdf: $(STAMP) $(NPM_STAMP)
	$(BIN)/python -m tests.browser_path --ensure
	$(BIN)/python -m pytest -p no:xdist -m pdf tests/test_pdf.py

# The learner's JupyterLab in headless Chromium (tests/test_lab.py): chapters
# run, their MyST and quoted numbers rendered, the explorer's slider answered.
# Part of make test; this target runs it alone.
test-lab: $(STAMP)
	$(BIN)/python -m tests.browser_path --ensure
	$(BIN)/python -m pytest -p no:xdist -m lab tests/test_lab.py

# Opens on the learner's start page (appendix 在 JupyterLab 中学习).
LAB_START := appendix/jupyterlab.ipynb
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=book --LabApp.default_url=/lab/tree/$(LAB_START) $(LAB_ROOT)

# nbgrader course folder from the chapters' exercises (book/_ext/assignments.py):
# assignments/source/<slug>/ (with solutions) and assignments/release/<slug>/
# (student version). Built in a temporary folder and moved into place only if
# every notebook converts; collected submissions and grades are left alone.
assignments: $(STAMP)
	$(BIN)/python book/_ext/assignments.py

# Debian's bubblewrap confines grading kernels (make autograde, and its test in
# make test): installed from Debian when missing and running as root.
BWRAP_SETUP = command -v bwrap >/dev/null || [ "$$(id -u)" != 0 ] || \
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends bubblewrap >/dev/null; }

# nbgrader autograde with every submission's kernel confined by bubblewrap (no
# network, course hidden, only its own folder writable, memory and CPU limits;
# book/_ext/teaching_sandbox.py). As root it installs Debian's bubblewrap
# first; without working confinement it refuses unless UNCONFINED=1.
autograde: $(STAMP)
	@test -n "$(ASSIGNMENT)" || { echo "usage: make autograde ASSIGNMENT=<slug>"; exit 2; }
	@$(BWRAP_SETUP)
	$(BIN)/python book/_ext/teaching_sandbox.py $(ASSIGNMENT) $(if $(UNCONFINED),--unconfined)

bench: $(STAMP)
	$(BIN)/python -m tests.benchmarks

# Mutation testing with mutmut (tests/mutants.py): plants small bugs in the
# package one at a time and runs the fast library tests against each; writes
# bench-results/mutants.md. Not part of `make test`: 6,825 mutants, which took
# 71 minutes on two otherwise idle cores (README, December 2026);
# other work on the cores slows it several times over.
# `make mutants MODULES="tanh prelu"` re-runs some modules only. After a change
# to pyproject.toml's [tool.mutmut] (e.g. a test file added to the selection)
# mutmut forgets every earlier result: plan a full run after such a change.
mutants: export OPENBLAS_NUM_THREADS := 1
mutants: $(STAMP)
	$(BIN)/python -m tests.mutants $(MODULES)

clean:
	rm -rf _build $(VENV)
