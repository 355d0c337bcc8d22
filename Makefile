# Recipe Pilot: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
ENV_FILE ?= .env
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: run serve test test-sqlite test-postgres bench lint format venv chromium clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Recipe Pilot needs Python 3.11 or newer: set PYTHON=python3.12 (for example)")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

## The site with the demo world on the embedded defaults (SQLite, jobs inline, console e-mail).
## No DEBUG: the site shows its own 404 and 500 pages; the secret key comes from .env.
run: $(STAMP) $(ENV_FILE)
	mkdir -p var/static
	$(BIN)/python manage.py migrate --noinput
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py demo --if-empty
	@$(MAKE) --no-print-directory serve

## Only the web server, as `make run` starts it (plain HTTP on HOST:PORT; any host name when
## HOST=0.0.0.0 serves every interface).
RUN_HOSTS = $(if $(filter 0.0.0.0,$(HOST)),*,$(HOST),127.0.0.1,localhost)
serve:
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-$(RUN_HOSTS)} SECURE_COOKIES=$${SECURE_COOKIES:-0} \
	  SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py runserver $(HOST):$(PORT)

## A git-ignored .env with a generated SECRET_KEY, read by pilot/settings.py (never replaced).
$(ENV_FILE):
	@umask 077 && $(PYTHON) -c 'import secrets; print("# Written by make: this checkout'"'"'s own secret key (git-ignored).\nSECRET_KEY=" + secrets.token_urlsafe(50))' > $@
	@echo "wrote $@ with a generated SECRET_KEY"

## The whole test suite, on the database DATABASE_URL names (SQLite when unset).
test: $(STAMP) chromium
	$(BIN)/pytest

test-sqlite: $(STAMP) chromium
	env -u DATABASE_URL $(BIN)/pytest

test-postgres: $(STAMP) chromium
	DATABASE_URL=$${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/pytest

## Headless Chromium for the browser tests: Debian's package (Playwright cannot download one here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "The browser tests need Chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

## Benchmarks: results in tests/bench/results/ (ratios against baselines run in the same process).
bench: $(STAMP)
	$(BIN)/python -m tests.bench.run_all

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var/ .pytest_cache
