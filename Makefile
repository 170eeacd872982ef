# branchwork — the two commands of the README do all set-up on a fresh Debian 12 machine:
#   make run    the app on SQLite with demo data at http://127.0.0.1:8000
#   make test   the whole suite (set DATABASE_URL to run it on PostgreSQL)
PYTHON_SYSTEM ?= /usr/bin/python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test setup system-deps lint bench clean

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
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: setup
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
