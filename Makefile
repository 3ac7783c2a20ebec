# iphub: two commands. `make run` sets up and serves; `make test` sets up and tests.
SHELL := /bin/bash
.DEFAULT_GOAL := run

# Django 6 needs Python >= 3.12. Prefer one on PATH, else the machine's pyenv build.
PYTHON_BOOT ?= $(shell for p in python3.12 /root/.pyenv/versions/3.12*/bin/python3.12 python3.13 /root/.pyenv/versions/3.13*/bin/python3.13; do "$$p" -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/iphub
# `make run PORT=8080` serves on another port.
PORT ?= 8000
SHARED_DATA ?= $(abspath ../shared/data)
export IPHUB_SHARED_DATA := $(SHARED_DATA)

.PHONY: run test setup services system-deps lint typecheck test-sqlite test-pg demo serve clean

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -n "$(PYTHON_BOOT)" || { echo "需要 Python 3.12 或更高版本（Django 6 的要求）：请安装 python3.12。"; exit 1; }
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements.lock
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps -e .
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.installed node_modules/.installed

# Start PostgreSQL and Redis if they are down; install PostgreSQL if it is absent.
services:
	@if ! command -v pg_ctlcluster >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null; fi
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | tail -1) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
	@if command -v redis-server >/dev/null 2>&1 && ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then \
	  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /tmp --logfile /tmp/iphub-redis.log; fi

# Debian packages the tests use: Chromium for the browser journeys (Playwright drives
# it; nothing downloads a browser), CJK fonts for readable screenshots and PDFs, and
# poppler's pdftoppm to render report PDFs into images that tests inspect.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils >/dev/null; fi

demo: setup
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo

serve:
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The web server and a background worker (the durable task queue, the schedule and
# the index follower), both stopped by one Ctrl-C (core/management/commands/runall.py).
run: setup demo
	@echo "iphub 已启动：http://127.0.0.1:$(PORT)/ （网站与后台任务进程；Ctrl-C 一并停止）"
	$(PY) manage.py runall 127.0.0.1:$(PORT)

lint: setup
	$(VENV)/bin/ruff check src $(wildcard bench)
	$(VENV)/bin/ruff format --check src $(wildcard bench)

typecheck: setup
	$(VENV)/bin/mypy src

test-sqlite: setup system-deps
	DATABASE_URL= $(VENV)/bin/pytest

test-pg: setup system-deps services
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest

# The two suites run side by side: they share nothing (each has its own temporary
# var dir and database; the cache is in-process), and the PostgreSQL suite spends
# half its time waiting on the server, so together they take little more than the
# PostgreSQL suite alone (measured: 172 s against 83 s + 170 s one after the other).
# Each writes its own log, printed whole when it fails and as its summary otherwise.
test: lint typecheck setup system-deps services
	@mkdir -p var
	@DATABASE_URL= $(VENV)/bin/pytest > var/test-sqlite.log 2>&1 & sqlite=$$!; \
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest > var/test-pg.log 2>&1 & pg=$$!; \
	wait $$sqlite; rs=$$?; wait $$pg; rp=$$?; \
	for run in sqlite:$$rs pg:$$rp; do \
	  name=$${run%%:*}; rc=$${run##*:}; \
	  echo "== pytest on $$name (var/test-$$name.log)"; \
	  if [ "$$rc" = 0 ]; then tail -n 1 var/test-$$name.log; else cat var/test-$$name.log; fi; \
	done; \
	[ "$$rs" = 0 ] && [ "$$rp" = 0 ] || { echo "make test: pytest failed (SQLite exit $$rs, PostgreSQL exit $$rp)."; exit 1; }
	@echo "make test: ruff, mypy, pytest (SQLite + PostgreSQL) all passed."

clean:
	rm -rf $(VENV) node_modules var
