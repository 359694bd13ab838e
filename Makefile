# Two commands: `make report` builds the report, `make test` runs the tests.
# Both create or update the local virtual environment from the lock file first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SNAKEMAKE_ARGS ?=
# Every dependency (the dev tools too), pinned with hashes; `make lock` writes it.
LOCK := requirements.lock
# The lock holds for every platform (environment markers) from Python 3.11 on. `make lock` keeps
# each pin that still satisfies pyproject.toml; LOCK_ARGS=--upgrade moves every pin to the
# newest release, LOCK_ARGS="--upgrade-package keras" only that one.
LOCK_ARGS ?=

.PHONY: report test lint lock publish clean
.DEFAULT_GOAL := report

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the lock or the project's own metadata changes: exactly the locked versions
# (pip refuses any file whose hash differs), then the project itself, editable, adding nothing.
# pip check fails when pyproject.toml asks for something the lock lacks.
$(VENV)/.installed: $(LOCK) pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check || { \
	  echo "$(LOCK) no cumple pyproject.toml: ejecute 'make lock' y vuelva a intentarlo." >&2; \
	  exit 1; }
	touch $@

# The lock tool itself comes from the lock; this works even when pyproject.toml no longer
# matches the lock (the case `make lock` is for).
$(BIN)/uv: | $(BIN)/activate
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)

lock: $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
	  --generate-hashes --custom-compile-command 'make lock' --quiet -o $(LOCK) $(LOCK_ARGS)

# A run killed with kill -9 or by a power cut leaves the directory locked: the lock is removed
# when no Snakemake process works here any more, otherwise the reason is explained.
report: $(VENV)/.installed
	$(BIN)/python -m optireport.devtools.locks
	$(BIN)/snakemake $(SNAKEMAKE_ARGS)

test: $(VENV)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check .
	$(BIN)/lint-imports
	$(BIN)/python -m optireport.devtools.config_docs --check
	$(BIN)/python -m optireport.devtools.snakelint

publish: $(VENV)/.installed
	$(BIN)/python -m optireport.report.publish $(PUBLISH_ARGS)

# Removes the "build" block of .gitignore (the one list of generated paths); keeps .venv.
clean:
	PYTHONPATH=src $(PYTHON) -m optireport.devtools.generated clean
