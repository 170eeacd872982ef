# branchwork — the two commands of the README do all set-up on a fresh Debian 12 machine:
#   make run    the app on SQLite with demo data at http://127.0.0.1:8000
#   make test   the whole suite, on every core (set DATABASE_URL to run it on PostgreSQL)
# and, for a developer after every change, make test-fast: the suite less its slow, browser and
# matrix tests (markers in pyproject.toml; the permission matrix is in it), in about a minute.
PYTHON_SYSTEM ?= /usr/bin/python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# pytest-xdist workers: auto is one per core; PYTEST_WORKERS=0 runs the tests in this one process.
# --dist load (not worksteal): each worker takes its tests in the suite's order, so none runs a test
# on the database after a transactional test has emptied it (tests/conftest.py orders them).
PYTEST_WORKERS ?= auto
PYTEST := $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist load
FAST_LANE := not slow and not browser and not matrix

.PHONY: run test test-fast setup system-deps lint bench bench-worst clean

system-deps:
	bash .ci/install-debian-packages

# Reinstall Python packages only when pyproject.toml changed since the last install.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON_SYSTEM) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e ".[dev]"
	touch $@

setup: system-deps $(VENV)/.installed

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "branchwork: http://$(HOST):$(PORT)/  (Ctrl+C 停止)"
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: setup
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

test: setup lint
	$(PYTEST) $(PYTEST_ARGS)

test-fast: setup
	$(PYTEST) -m "$(FAST_LANE)" $(PYTEST_ARGS)

# Benchmarks run on a PostgreSQL database of their own (created if missing) and replace its data.
BENCH_DB ?= branchwork_bench
BENCH_PGHOST ?= 127.0.0.1
BENCH_PGUSER ?= postgres
BENCH_DATABASE_URL ?= postgres://$(BENCH_PGUSER)@$(BENCH_PGHOST):5432/$(BENCH_DB)
BENCH_ARGS ?=
# The workers share a cache as a multi-worker deployment should; empty: each process's memory.
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/15

bench: setup
	command -v wrk >/dev/null || { $$( [ "$$(id -u)" -eq 0 ] || echo sudo ) apt-get install -y -qq wrk; }
	psql -h $(BENCH_PGHOST) -U $(BENCH_PGUSER) -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$(BENCH_DB)'" | grep -q 1 \
	  || psql -h $(BENCH_PGHOST) -U $(BENCH_PGUSER) -d postgres -qc "CREATE DATABASE $(BENCH_DB)"
	DATABASE_URL=$(BENCH_DATABASE_URL) MEDIA_ROOT=$(CURDIR)/benchmarks/results/media $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) MEDIA_ROOT=$(CURDIR)/benchmarks/results/media $(PY) benchmarks/run.py $(BENCH_ARGS)

# The most expensive input each page accepts, timed through the real views (a temporary SQLite DB).
bench-worst: setup
	$(PY) benchmarks/worst_case.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
