# Brussels International platform. `make run` serves the site; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: run test lint typecheck check bench bench-search bench-permits bench-screening bench-newsletter messages setup clean-db help otp pdf-libraries

help:
	@echo "make run    - install, migrate, load the organisation data, create demo accounts, serve on http://$(HOST):$(PORT)"
	@echo "make test   - the whole test suite (SQLite unless DATABASE_URL is set)"
	@echo "make lint   - ruff; make typecheck - mypy; make bench - load test with gunicorn + wrk"
	@echo "make otp    - the current two-factor code of the demo accounts (demo mode)"
	@echo "make bench-search - workspace search over 100,000 generated records (SQLite; BENCH_DATABASE_URL for PostgreSQL)"
	@echo "make bench-screening - screening accuracy and speed against nomenklatura (needs ../shared/data)"
	@echo "make bench-newsletter - a campaign to 10,000 subscribers through a local SMTP server, worker killed midway"
	@echo "make bench-permits - casework queue and case page at 100,000 cases / 1,000,000 goods lines (PostgreSQL)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

# Compiled translation catalogues (.mo) are built, not committed. Needs GNU gettext.
messages: $(VENV)/.installed
	@command -v msgfmt >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq gettext; } || { echo "Install GNU gettext (msgfmt)"; exit 1; }
	cd brussels_international && DEBUG=1 ../$(PY) ../manage.py compilemessages --ignore=.venv -v 0

setup: $(VENV)/.installed messages pdf-libraries
	DEBUG=1 DEMO_MODE=1 $(PY) manage.py migrate --no-input -v 0
	DEBUG=1 DEMO_MODE=1 $(PY) manage.py bootstrap

run: setup
	@echo "Serving on http://$(HOST):$(PORT)/ (workspace: http://$(HOST):$(PORT)/admin/). Ctrl-C stops the server and the worker."
	DEBUG=1 DEMO_MODE=1 $(PY) manage.py schedule_tasks
	DEBUG=1 DEMO_MODE=1 $(PY) manage.py db_worker & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	DEBUG=1 DEMO_MODE=1 $(PY) manage.py runserver $(HOST):$(PORT)

# The current two-factor code of every demo account (sign in without an authenticator app).
otp:
	@DEBUG=1 DEMO_MODE=1 $(PY) manage.py demo_otp_code

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
/usr/bin/chromium:
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "Browser tests need Debian's chromium: sudo apt-get install chromium"; fi

# The system libraries WeasyPrint needs for the licence and refusal PDFs (permits/pdf.py): Pango,
# HarfBuzz's subsetter (byte-identical PDFs; without it WeasyPrint warns and falls back) and fonts.
PDF_LIBRARIES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
pdf-libraries:
	@if ldconfig -p | grep -q libharfbuzz-subset.so.0 && ldconfig -p | grep -q libpangoft2-1.0.so.0; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_LIBRARIES); \
	else echo "The licence PDFs need: sudo apt-get install $(PDF_LIBRARIES)"; fi

test: $(VENV)/.installed messages /usr/bin/chromium pdf-libraries
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed
	BI_TESTING=1 $(VENV)/bin/mypy

check: lint typecheck test

bench: $(VENV)/.installed messages
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq wrk; }
	$(PY) bench/web.py

# Screening against OpenSanctions' nomenklatura (bench/screening.py): precision/recall/F1 on the
# labelled pairs, recall on perturbed UN names, alerts on invented names, speed per party.
# nomenklatura lives in its own virtual environment (.venv-bench, requirements-bench.txt).
.venv-bench/.installed: requirements-bench.txt
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/pip install --quiet -r requirements-bench.txt
	touch $@

bench-screening: $(VENV)/.installed messages .venv-bench/.installed
	$(PY) bench/screening.py

# Workspace search at 100,000 records (bench/search.py): fresh SQLite file in a temporary folder;
# BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bi_search_bench runs it on PostgreSQL.
bench-search: $(VENV)/.installed messages
	$(PY) bench/search.py

# Casework screens at 100,000 cases and 1,000,000 goods lines (bench/permits.py) on PostgreSQL
# (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bi_permits_bench, dropped and made again).
bench-permits: $(VENV)/.installed messages
	$(PY) bench/permits.py

# Newsletter sending (bench/newsletter.py): 10,000 subscribers on a fresh SQLite file, aiosmtpd on
# 127.0.0.1, the worker killed with SIGKILL midway and restarted; counts duplicates and missing mails.
bench-newsletter: $(VENV)/.installed messages
	$(PY) bench/newsletter.py

clean-db:
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
