# Works on a fresh clone with only Python 3.10-3.12: everything else is installed into .venv.
# The first interpreter that actually runs and is 3.10-3.12 (a pyenv shim may exist for a version that is not active).
PYTHON ?= $(shell for p in python3.12 python3.11 python3.10 python3; do \
	$$p -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
# Some shells set PYTHONDONTWRITEBYTECODE: then every test process and every server a test starts compiles the
# project (and pytest rewrites every test module) again. __pycache__ is ignored by git.
unexport PYTHONDONTWRITEBYTECODE
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
BENCH_STAMP := $(VENV)/.bench-stamp
E2E_STAMP := $(VENV)/.e2e-stamp

.PHONY: run test bench lint install e2e-install e2e screenshots clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "需要 Python 3.10-3.12 (python3.12/3.11/3.10)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/deputyhub init
	$(BIN)/deputyhub seed-demo --if-empty
	$(BIN)/deputyhub serve

test: $(STAMP)
	$(BIN)/python -m pytest
	@miniprogram_stubs/run-tests.sh $(if $(filter true,$(CI)),,--if-npm)

# The load generator (locust) and the profiler are installed for the benchmark only.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

# make bench QUICK=1: short loads and small scripts (2.5 minutes instead of 8.5 here).
# make bench MODULES=1: the modules' benches too, at their issues' scales (their seeding takes most of an hour).
bench: $(BENCH_STAMP)
	$(BIN)/python bench/run.py $(if $(QUICK),--quick) $(if $(MODULES),--modules)

# The staff console in a real browser (tests/e2e; `make test` runs them too when all is there): Playwright
# drives Debian's chromium-headless-shell with fonts-wqy-microhei (apt-get; .ci/run installs both).
$(E2E_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,e2e]'
	touch $(E2E_STAMP)

e2e-install: $(E2E_STAMP)

e2e: $(E2E_STAMP)
	$(BIN)/python -m pytest -n 0 tests/e2e

# docs/screenshots/console-<screen>.png for the README, from a live server with the demo data.
screenshots: $(E2E_STAMP)
	$(BIN)/python -m tests.e2e.screenshots

lint: $(STAMP)
	$(BIN)/ruff check api config tests bench wsgi.py
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) instance
