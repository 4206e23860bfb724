# Two commands do all set-up: `make demo` (the demo gemeente, offline on the snapshot) and `make test`.
# Both create or reuse the virtual environment in .venv and install what the kit needs.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
GEMEENTE ?= GM0917
SNAPSHOT ?= ../shared/snapshot

.PHONY: demo test install bench lab refresh-snapshot clean-venv

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

# The data set embedded in the kit, unless BLP_DATA_DIR (or --data) points elsewhere.
demo: $(VENV)/.installed
	$(BIN)/blp run $(GEMEENTE)

test: $(VENV)/.installed
	$(BIN)/python -m pytest

# JupyterLab on the notebooks, with the kit installed; every notebook runs top to bottom on the embedded data.
lab: $(VENV)/.installed
	$(BIN)/jupyter lab notebooks/

bench: $(VENV)/.installed
	$(BIN)/python bench/run_bench.py

# Embed the reference snapshot (../shared/snapshot) in the package again, byte-identical after decompression.
refresh-snapshot: $(VENV)/.installed
	$(BIN)/python -m blp.data.embedded refresh "$(SNAPSHOT)"

clean-venv:
	rm -rf $(VENV)
