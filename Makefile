# Two commands do all set-up: `make demo` (the demo gemeente, offline on the snapshot) and `make test`.
# Both create or reuse the virtual environment in .venv and install what the kit needs.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
BLP_DATA_DIR ?= ../shared/snapshot
GEMEENTE ?= GM0917
export BLP_DATA_DIR

.PHONY: demo test install bench clean-venv

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/blp run $(GEMEENTE) --data "$(BLP_DATA_DIR)"

test: $(VENV)/.installed
	$(BIN)/python -m pytest

bench: $(VENV)/.installed
	$(BIN)/python bench/run_bench.py

clean-venv:
	rm -rf $(VENV)
