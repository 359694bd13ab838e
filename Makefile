# Two commands: `make report` builds the report, `make test` runs the tests.
# Both create or update the local virtual environment from pyproject.toml first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SNAKEMAKE_ARGS ?=

.PHONY: report test lint publish clean
.DEFAULT_GOAL := report

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# A run killed with kill -9 or by a power cut leaves the directory locked: the lock is removed
# when no Snakemake process works here any more, otherwise the reason is explained.
report: $(VENV)/.installed
	$(BIN)/python -m optireport.locks
	$(BIN)/snakemake $(SNAKEMAKE_ARGS)

test: $(VENV)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check .
	$(BIN)/snakemake --lint

publish: $(VENV)/.installed
	$(BIN)/python -m optireport.publish $(PUBLISH_ARGS)

clean:
	rm -rf results logs benchmarks report/figures report/_site report/informe.qmd .snakemake
