# Sovet — run `make run` to try the demo, `make test` to run the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
# The oldest pip and setuptools without a known vulnerability (pip: CVE-2025-8869, fixed
# in 25.3; setuptools: CVE-2025-47273, fixed in 78.1.1); the build backend's own minimum
# is pinned the same in pyproject.toml's [build-system].
SAFE_PIP = "pip>=25.3" "setuptools>=78.1.1"

.PHONY: run test lint typecheck pytest fuzz audit mutate bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade $(SAFE_PIP)

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
	$(BENCH_VENV)/bin/python -m pip install -q --upgrade $(SAFE_PIP)
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

# The file readers against many more mutated real files than make test runs (40 a format):
# SOVET_FUZZ_EXAMPLES=20000 make fuzz for a night's run.
SOVET_FUZZ_EXAMPLES ?= 3000
fuzz: $(VENV)/.installed-test
	SOVET_FUZZ_EXAMPLES=$(SOVET_FUZZ_EXAMPLES) $(BIN)/pytest -q -s tests/security/test_readers_fuzz.py

# Known vulnerabilities in the installed dependency set (pip freeze of .venv, pip and
# setuptools included), from the PyPI JSON API; --strict fails when a package cannot be
# looked up. pip-audit has its own environment, so its dependencies are not audited.
AUDIT_VENV ?= .venv-audit
$(AUDIT_VENV)/.installed:
	$(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/python -m pip install -q --upgrade $(SAFE_PIP)
	$(AUDIT_VENV)/bin/python -m pip install -q "pip-audit>=2.9"
	touch $@

audit: $(VENV)/.installed-test $(AUDIT_VENV)/.installed
	$(BIN)/python -m pip freeze --all --exclude-editable > $(VENV)/requirements.lock
	$(AUDIT_VENV)/bin/pip-audit --strict --vulnerability-service pypi --disable-pip --no-deps \
		--requirement $(VENV)/requirements.lock

# Mutation testing of the pure core with mutmut (configured in pyproject.toml); slow, so
# not part of make test. MUTATE='sovet.counting.borda*' make mutate for one module's mutants.
MUTATE_VENV ?= .venv-mutate
$(MUTATE_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(MUTATE_VENV)
	$(MUTATE_VENV)/bin/python -m pip install -q --upgrade $(SAFE_PIP)
	$(MUTATE_VENV)/bin/python -m pip install -q -e '.[test]' "mutmut>=3.8"
	touch $@

mutate: $(MUTATE_VENV)/.installed
	$(MUTATE_VENV)/bin/mutmut run $(MUTATE)
	$(MUTATE_VENV)/bin/mutmut results

bench: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python bench/ledger.py
	$(BENCH_VENV)/bin/python bench/count.py
	$(BENCH_VENV)/bin/python bench/plan.py

clean:
	rm -rf $(VENV) sovet.db sovet.db-wal sovet.db-shm .mypy_cache .pytest_cache .ruff_cache \
		.hypothesis mutants
