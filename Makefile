# Every target sets up .venv from requirements.txt first (once, and again
# whenever requirements.txt or pyproject.toml change).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help book test bench lab clean

help:
	@echo "make book   build the HTML book into _build/html (executes every notebook)"
	@echo "make test   run the whole test suite (library, notebooks, site, browser)"
	@echo "make bench  print the accuracy and speed tables (DESIGN section 8)"
	@echo "make lab    open JupyterLab on book/"

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m tests.benchmarks

clean:
	rm -rf _build $(VENV)
