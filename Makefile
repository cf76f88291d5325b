# Vigil: `make run` to try it, `make test` to check it. Each target bootstraps .venv itself.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint types unit postgres browser-deps bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/vigil run $(if $(HOST),--host $(HOST)) $(if $(PORT),--port $(PORT))

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

# Debian's Chromium drives the browser tests; install it when missing and we may.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get install -y -qq chromium poppler-utils >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq chromium poppler-utils >/dev/null)); \
	  else echo "browser tests need /usr/bin/chromium (apt-get install chromium)"; fi; \
	fi

unit: $(STAMP) browser-deps
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

# The same suite against PostgreSQL. With CI=true it must run; elsewhere it is skipped with a
# one-line reason when no server answers.
postgres: $(STAMP)
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -q -n 2 --dist loadgroup -m "not browser"; \
	elif [ "$$CI" = "true" ]; then \
	  echo "PostgreSQL at $(PG_URL) is unreachable and CI=true: failing"; exit 1; \
	else \
	  echo "SKIPPED PostgreSQL suite: no server answers at $(PG_URL)"; \
	fi

test: lint types unit postgres

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache test-output
