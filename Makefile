# Two commands for a fresh machine: `make run` and `make test` (README.md).
# Everything they need is installed by the targets below; stamps make a second run fast.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
VENDOR := maharat/static/vendor
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install lint messages ci clean-db bench bench-smoke prod-smoke reliability reliability-smoke differential-long crawl fuzz bench-finish bench-differential a11y

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# uv (from PyPI, into the venv) installs in seconds what pip takes well over a minute for on a clean clone;
	# pip itself if uv cannot be had.
	( $(BIN)/pip install --quiet --disable-pip-version-check uv && \
	  $(BIN)/uv pip install --python $(BIN)/python --quiet -e '.[dev]' ) || \
	  $(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENDOR)/.installed: node_modules/.installed scripts/vendor-assets.sh scripts/extract-iran-map.cjs scripts/purge-css.cjs
	sh scripts/vendor-assets.sh $(VENDOR)
	touch $@

# Bootstrap's style sheets are cut to the classes the templates, scripts and Python modules name
# (scripts/purge-css.cjs, about a second): again whenever one of those files changes.
PURGE_SOURCES := $(shell find maharat -path maharat/static/vendor -prune -o -type f \( -name '*.html' -o -name '*.txt' -o -name '*.py' -o -name '*.js' \) -not -path '*/tests/*' -not -path '*/migrations/*' -print)
$(VENDOR)/.purged: $(VENDOR)/.installed $(PURGE_SOURCES)
	node scripts/purge-css.cjs $(VENDOR)
	touch $@

install: $(BIN)/.installed $(VENDOR)/.installed $(VENDOR)/.purged

# The address certificates' QR codes and mails point to is the one this server listens on, unless set.
run: export MAHARAT_PUBLIC_URL ?= http://$(HOST):$(PORT)
run: install
	$(BIN)/maharat migrate --noinput
	$(BIN)/maharat demo --if-empty
	# The background worker (large imports) runs beside the web server and stops with it.
	$(BIN)/maharat worker & WORKER=$$!; trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(BIN)/maharat runserver $(HOST):$(PORT)

test: install
	sh scripts/ensure-system-packages.sh
	$(BIN)/ruff check maharat bench
	$(BIN)/python scripts/mypy_ratchet.py
	$(BIN)/lint-imports
	$(BIN)/pytest -n 2 --dist loadfile -m "not serial"
	# Live-server tests (the browser, a second process) flush the database after themselves: they run last.
	$(BIN)/pytest -m serial

# Benchmarks (not tests) on PostgreSQL: builds the national dataset on first use (maharat_bench, about
# 10 million enrollments), then prints the table of docs/performance.md. BENCH_SCALE=0.1 etc. for smaller.
BENCH_DB ?= maharat_bench
bench: install
	sh scripts/ensure-system-packages.sh
	sh scripts/ensure-postgres.sh
	psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$(BENCH_DB)'" | grep -q 1 || createdb -h 127.0.0.1 -U postgres $(BENCH_DB)
	BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_DB) $(BIN)/python bench/run.py

# Finish a national dataset whose build stopped after loading the enrollments (summaries, commitments, periods,
# accounts), without reloading them; then `make bench`.
bench-finish: install
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_DB) $(BIN)/python bench/finish_dataset.py

# The differential test of the summaries at national volume (issue 13): random writes through every path, then
# check-summaries over the touched slices must find 0 differing rows. BENCH_DIFFERENTIAL_WRITES (default in
# bench/run.py) sets the length: 10,000 writes take about half an hour.
bench-differential: install
	BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_DB) $(BIN)/python bench/run.py differential

# The same suite at a tiny scale, each measure a few times: CI's smoke run (no timing is judged).
bench-smoke: install
	sh scripts/ensure-system-packages.sh
	sh scripts/ensure-postgres.sh
	dropdb -h 127.0.0.1 -U postgres --if-exists maharat_bench_smoke
	createdb -h 127.0.0.1 -U postgres maharat_bench_smoke
	BENCH_QUICK=1 BENCH_SCALE=0.002 BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/maharat_bench_smoke \
	  $(BIN)/python bench/run.py

# The production configuration of docs/deployment.md, started step by step and driven end to end (production
# settings, collectstatic, PostgreSQL, Redis, the worker, granian, the proxy's headers): scripts/prod-smoke.sh.
prod-smoke: install
	sh scripts/prod-smoke.sh

# Proof under load and faults (docs/reliability.md): 200 users x 10 min, a PostgreSQL restart under load
# (it restarts this machine's cluster: run it alone), backup and restore. Results in var/reliability/.
reliability: install
	sh scripts/ensure-postgres.sh
	$(BIN)/python bench/reliability/run.py all
	# The worker killed twice in a 100,000-row import (make test: 20,000 rows, on PostgreSQL).
	MAHARAT_HEAVY=1 MAHARAT_CRASH_ROWS=100000 $(BIN)/pytest -q maharat/jobs/tests/test_crash.py

# The differential test of the summaries with its long profile (200 random sequences of 40 writes through
# every path; make test runs 15 x 15): about 10 minutes on SQLite.
differential-long: install
	HYPOTHESIS_PROFILE=long $(BIN)/pytest maharat/monitoring/tests/test_differential.py -q

# CI's version: 20 users, 60 s of load, the restart and the backup check (about 6 minutes).
reliability-smoke: install
	sh scripts/ensure-postgres.sh
	$(BIN)/python bench/reliability/run.py all --smoke

# Every page each demo role reaches from its menu, in Persian and in English, every distinct URL (about 5
# minutes): no error status, no page without the layout, no text of the other language. make test runs a
# bounded crawl (each URL pattern once per role and language).
crawl: install
	CRAWL_FULL=1 $(BIN)/pytest -q maharat/web/tests/test_crawl.py
	# The same in Chromium, each URL pattern once (on PostgreSQL it is part of the suite; CI runs it there).
	MAHARAT_HEAVY=1 $(BIN)/pytest -q -m serial maharat/web/tests/test_browser_crawl.py

# Accessibility (issue 16, docs/accessibility.md): axe-core (WCAG 2.0/2.1 A and AA) and our contrast check of every
# text node on every page each demo role reaches in the browser crawl, at desktop (1280x900) and phone (390x844)
# size, in Persian and in English (CI checks each template once per size and language); the keyboard-only path;
# the phone screenshots of docs/screenshots/. The whole list of findings goes to var/a11y-report.txt (and .json).
a11y: install
	mkdir -p var
	A11Y_FULL=1 A11Y_SCREENSHOTS=1 A11Y_REPORT=var/a11y-report.txt MAHARAT_HEAVY=1 $(BIN)/pytest -q -m serial \
	  maharat/web/tests/test_a11y_harness.py maharat/web/tests/test_keyboard.py maharat/web/tests/test_screenshots.py \
	  "maharat/web/tests/test_browser_crawl.py::test_accessibility_of_every_page"

# The hostile-input probe of every address with its full matrix (CI sends a rotating quarter of it, on
# PostgreSQL): about 4,000 requests per role.
fuzz: install
	MAHARAT_FUZZ=full MAHARAT_HEAVY=1 $(BIN)/pytest -q maharat/common/tests/test_hostile_queries.py

lint: install
	$(BIN)/ruff check maharat bench
	$(BIN)/python scripts/mypy_ratchet.py
	$(BIN)/lint-imports

# Recompile the English catalogue after editing maharat/locale/en/LC_MESSAGES/django.po.
messages: install
	cd maharat && ../$(BIN)/maharat compilemessages -l en

clean-db:
	rm -f var/maharat.sqlite3 var/maharat.sqlite3-wal var/maharat.sqlite3-shm
