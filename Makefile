# Works on a fresh clone with only Python 3.10-3.12: everything else is installed into .venv.
# The first interpreter that actually runs and is 3.10-3.12 (a pyenv shim may exist for a version that is not active).
PYTHON ?= $(shell for p in python3.12 python3.11 python3.10 python3; do \
	$$p -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench lint install clean

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

bench: $(STAMP)
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check api config tests bench wsgi.py

clean:
	rm -rf $(VENV) instance
