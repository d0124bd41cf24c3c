# Klientstöd: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_ENV := DJANGO_DEBUG=1

.DEFAULT_GOAL := help
.PHONY: help run test pytest pytest-fast lock lint format seed messages clean backup restore

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

# Every dependency from the lockfile, with its hashes; then the project without them.
$(VENV)/.installed: pyproject.toml requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Klientstöd needs Python 3.11 or newer (set PYTHON=python3.11).")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

# pip-tools: the pins of pyproject.toml and every package they pull in, with hashes.
# The dev lockfile is made first; the runtime one starts from it, so the two agree.
# `make lock LOCK_ARGS=--upgrade` moves the unpinned ones to their newest releases.
PIP_COMPILE = $(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host $(LOCK_ARGS)

lock: $(VENV)/.installed ## Pin every dependency with its hashes (requirements.lock, requirements-dev.lock)
	$(PY) -m pip install --quiet pip-tools==7.6.2
	$(PIP_COMPILE) --extra dev --output-file requirements-dev.lock pyproject.toml
	cp requirements-dev.lock requirements.lock
	$(PIP_COMPILE) --output-file requirements.lock pyproject.toml

run: $(VENV)/.installed ## Serve the demo on http://127.0.0.1:$(PORT) (SQLite, demo users)
	@mkdir -p var
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py seed_demo
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: lint pytest ## Lint, type-check and run the whole test suite

# Test processes (pytest-xdist): one per core by default; PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto
PYTEST_XDIST = -n $(PYTEST_WORKERS) --dist worksteal

pytest: $(VENV)/.installed ## Run the tests only (browser journeys included)
	$(PY) -m pytest $(PYTEST_XDIST)

pytest-fast: $(VENV)/.installed ## Run the tests without the browser journeys (the edit loop)
	$(PY) -m pytest $(PYTEST_XDIST) -m "not browser"

lint: $(VENV)/.installed ## ruff (lint and format) and mypy
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: $(VENV)/.installed ## Format the code with ruff
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

seed: $(VENV)/.installed ## Load the demo data into the local database
	@mkdir -p var
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py seed_demo

BENCH_DB = $${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/klientstod_bench}

.PHONY: bench loadtest
bench: $(VENV)/.installed ## Time the pages and the status report on PostgreSQL (throwaway data)
	@[ -n "$$BENCH_DATABASE_URL" ] || createdb -h 127.0.0.1 -U postgres klientstod_bench 2>/dev/null || true
	DATABASE_URL=$(BENCH_DB) DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DB) DJANGO_DEBUG=1 $(PY) manage.py bench_pages $(BENCH_PAGES_ARGS)
	DATABASE_URL=$(BENCH_DB) DJANGO_DEBUG=1 $(PY) manage.py bench_reports $(BENCH_ARGS)

$(VENV)/.load-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[dev,load]"
	@touch $@

loadtest: $(VENV)/.load-installed ## Load test: locust, 30 people for 2 minutes, gunicorn (3 workers), PostgreSQL
	scripts/loadtest.sh

backup: ## Dump the PostgreSQL database in DATABASE_URL to backups/ (pg_dump, custom format)
	scripts/backup.sh $(BACKUP_DIR)

restore: ## Restore FILE=backups/….dump into the PostgreSQL database in DATABASE_URL
	@[ -n "$(FILE)" ] || { echo "Give the dump: make restore FILE=backups/klientstod-….dump"; exit 2; }
	scripts/restore.sh "$(FILE)"

messages: $(VENV)/.installed ## Update and compile the Swedish translation
	$(DEMO_ENV) $(PY) manage.py makemessages --locale sv --ignore '.venv/*' --ignore 'staticfiles/*' --no-obsolete
	$(DEMO_ENV) $(PY) manage.py compilemessages --locale sv --ignore '.venv/*'

clean: ## Remove the virtualenv, the local database and caches
	rm -rf $(VENV) var staticfiles .pytest_cache .mypy_cache .ruff_cache
