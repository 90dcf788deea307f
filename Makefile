# The two commands a newcomer needs: `make run` and `make test`. Everything else is set up by them.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .make
PORT ?= 8000
# Both commands use DATABASE_URL / REDIS_URL when set, and otherwise start an embedded PostgreSQL and Redis under
# .data/ (productops/embedded.py): nothing needs to be installed or running beforehand.
STACK := $(PY) -m productops.stack

.PHONY: run test lint format install install-test worker beat clean

$(STAMPS):
	@mkdir -p $(STAMPS)

$(PY):
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMPS)/python: pyproject.toml | $(PY) $(STAMPS)
	$(PY) -m pip install --quiet -e '.[dev,local]'
	@touch $@

$(STAMPS)/npm: package.json package-lock.json | $(STAMPS)
	@command -v npm >/dev/null || { echo "Node.js and npm are required for the front-end assets (npm not found)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(STAMPS)/python $(STAMPS)/npm

## The whole portal on http://127.0.0.1:$(PORT): web, Celery worker and beat, and the vendor simulators. Ctrl-C stops it.
run: install
	@$(STACK) run --port $(PORT)

## Chromium for the browser tests: Debian's package where we may install it, otherwise Playwright's own build.
$(STAMPS)/chromium: | $(STAMPS)/python
	@if command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else $(VENV)/bin/playwright install chromium; fi
	@touch $@

install-test: install $(STAMPS)/chromium

## The whole suite, on PostgreSQL and Redis.
test: install-test
	@$(STACK) exec -- $(PY) -m pytest --create-db $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## A Celery worker or the beat scheduler on their own (DATABASE_URL / REDIS_URL, or a running `make run`'s).
worker: install
	$(VENV)/bin/celery -A productops worker -l info

beat: install
	$(VENV)/bin/celery -A productops beat -l info

## Removes what `make` installed; the data in .data/ stays.
clean:
	rm -rf $(VENV) node_modules $(STAMPS) staticfiles
