# The two commands a newcomer needs: `make run` and `make test`. Everything else is set up by them.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .make
PORT ?= 8000
# make test runs against PostgreSQL and Redis; these defaults match the development and CI machines.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/productops
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test lint format install install-test services worker beat bench clean

$(STAMPS):
	@mkdir -p $(STAMPS)

$(PY):
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMPS)/python: pyproject.toml | $(PY) $(STAMPS)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

$(STAMPS)/npm: package.json package-lock.json | $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(STAMPS)/python $(STAMPS)/npm

## Serve the portal on http://127.0.0.1:$(PORT) (SQLite + eager Celery unless DATABASE_URL / REDIS_URL are set).
run: install
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py collectstatic --no-input -v0
	$(PY) manage.py seed_demo --if-empty
	@echo ""
	@echo "  Product Ops portal: http://127.0.0.1:$(PORT)/   (log in as pm / demo, csm / demo, productops / demo, sales / demo, cpo / demo)"
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## Chromium for the browser tests (Debian package; Playwright's own browser download does not work offline).
$(STAMPS)/chromium: | $(STAMPS)
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@touch $@

install-test: install $(STAMPS)/chromium

## Run the whole suite against PostgreSQL and Redis.
test: install-test
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(PY) -m pytest --create-db $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## With REDIS_URL and DATABASE_URL set: a Celery worker and the beat scheduler.
worker: install
	$(VENV)/bin/celery -A productops worker -l info

beat: install
	$(VENV)/bin/celery -A productops beat -l info

clean:
	rm -rf $(VENV) node_modules $(STAMPS) staticfiles
