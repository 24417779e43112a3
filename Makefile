# govstats: `make demo` runs the main job on the bundled data, `make test` the whole suite.
# Both create (or reuse) the local virtual environment .venv with a Python >= 3.11.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: install demo test test-fast lint lab clean bench fuzz

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "govstats needs Python >= 3.11 (set PYTHON=python3.11)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -e .
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/govstats batch data/corpus --out build/demo
	@echo "open build/demo/index.html in a browser"

test: $(STAMP)
	$(BIN)/python -m pytest

# the edit loop: unit tests and the fast integration tests (no test marked slow or ocr), under a minute
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not ocr"

# what CI checks before the tests: the linter, the committed data dictionary, the typing of the lower layers
lint: $(STAMP)
	$(BIN)/ruff check govstats tests benchmarks
	$(BIN)/python -m govstats.export.dictionary --check
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# the fuzz and round-trip tests with many more (and random) examples than `make test` runs
fuzz: $(STAMP)
	GOVSTATS_FUZZ_EXAMPLES=2000 $(BIN)/python -m pytest -q tests/property

# JupyterLab on copies of the notebooks in $(LAB) (yours to run and edit; an existing copy is kept),
# never on the shipped ones that `govstats batch` runs
LAB ?= my-notebooks
lab: $(STAMP)
	$(BIN)/govstats notebooks $(LAB)
	$(BIN)/jupyter lab $(ROOT_FLAG) $(LAB)/

clean:
	rm -rf build .pytest_cache .hypothesis
