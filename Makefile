# Newsroom: `make run` serves the demo, `make test` runs every test. Both set themselves up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

POSTGRES_URL ?= postgres://newsroom:newsroom@127.0.0.1:5432/newsroom
REDIS_URL ?= redis://127.0.0.1:6379/1
WEB_CONCURRENCY ?= 3

.PHONY: run test test-sqlite test-postgres test-services install install-test demo serve serve-prod bench bench-large \
	bench-tools clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

demo: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	$(PY) manage.py load_demo_comments
	$(PY) manage.py ensure_demo_staff

# The site and, beside it, the task queue's worker (mail, bulk decisions, periodic jobs); Ctrl+C stops both.
serve: install
	$(PY) manage.py run_worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  HOST=$(HOST) PORT=$(PORT) $(PY) manage.py runserver $(HOST):$(PORT)

run: demo serve

# The whole suite twice: on the embedded SQLite, then on the production stack (PostgreSQL and Redis).
test: install-test test-services
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-services:
	bash scripts/test-services.sh

test-sqlite: install-test
	DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 CACHE_URL=locmemcache:// $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install-test
	DATABASE_URL=$(POSTGRES_URL) CACHE_URL=$(REDIS_URL) $(PY) -m pytest $(PYTEST_ARGS)

# Production-like serving on one machine: gunicorn, whitenoise, DEBUG off. Needs SECRET_KEY (in .env or the
# environment); see README "Production".
serve-prod: install
	DEBUG=False $(PY) manage.py check --deploy --fail-level WARNING
	DEBUG=False $(PY) manage.py collectstatic --no-input --verbosity 0
	DEBUG=False $(PY) manage.py migrate --no-input
	DEBUG=False $(PY) manage.py run_worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	HOST=$(HOST) PORT=$(PORT) DEBUG=False SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-False} \
	  SECURE_COOKIES=$${SECURE_COOKIES:-False} \
	  SERVE_MEDIA=$${SERVE_MEDIA:-True} $(VENV)/bin/gunicorn newsroom.wsgi --workers $(WEB_CONCURRENCY) \
	  --bind $(HOST):$(PORT) --access-logfile - --forwarded-allow-ips=127.0.0.1 \
	  --logger-class newsroom.gunicorn.Logger

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .pytest_cache test-artifacts tests/e2e/node_modules

# Load benchmark (README "Tests and benchmarks"): gunicorn with production settings on a throwaway database,
# driven by wrk. PostgreSQL and Redis when DATABASE_URL / CACHE_URL are given; BENCH_SECONDS, BENCH_WORKERS.
bench: install bench-tools
	$(PY) scripts/bench.py

# The same on 20,000 articles and 500,000 comments.
bench-large: install bench-tools
	BENCH_SIZE=large $(PY) scripts/bench.py

bench-tools:
	bash scripts/install-wrk.sh
