# Sovet — run `make run` to try the demo, `make test` to run the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: run test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

# Benchmarks use their own environment: the peers they compare with pin their own versions.
BENCH_VENV ?= .venv-bench

$(BENCH_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -q --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install -q -e '.[bench]'
	touch $@

run: $(VENV)/.installed
	rm -f sovet.db sovet.db-wal sovet.db-shm
	$(BIN)/sovet demo --scenario petrograd-1917 --db sqlite:///sovet.db
	$(BIN)/sovet accounts demo --db sqlite:///sovet.db
	$(BIN)/sovet serve --db sqlite:///sovet.db --host 127.0.0.1 --port 8000

lint: $(VENV)/.installed-test
	$(BIN)/ruff check sovet tests bench
	$(BIN)/ruff format --check sovet tests bench

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	$(BIN)/pytest -n 2 -q

test: lint typecheck pytest

bench: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python bench/ledger.py
	$(BENCH_VENV)/bin/python bench/count.py
	$(BENCH_VENV)/bin/python bench/plan.py

clean:
	rm -rf $(VENV) sovet.db sovet.db-wal sovet.db-shm .mypy_cache .pytest_cache .ruff_cache
