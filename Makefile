# Cunzhan — the two commands a new machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Tests run in parallel, one worker per core (pytest-xdist); PYTEST_WORKERS=0 runs them in one process.
# Handed out two at a time: the slow transactional tests come last (pytest-django orders them so) and in
# larger chunks one worker got them all, finishing ~45 s after the other.
PYTEST_WORKERS ?= auto
# Python keeps its compiled modules (__pycache__/, ignored by git) even where the environment says not to:
# every test worker, server and bench process imports ~1,000 of our modules, and compiling them each time
# costs a test run ~12 s of collection.
export PYTHONDONTWRITEBYTECODE :=

.PHONY: lock demo test faults e2e lint bench bench-short province province-down install system-deps messages migrate seed serve production clean help

help:
	@echo "make demo    install, migrate, seed the demo county and serve at http://$(HOST):$(PORT)"
	@echo "make test    the test suite (SQLite by default; set DATABASE_URL for PostgreSQL)"
	@echo "make faults  fault injection: a private PostgreSQL, Redis and Celery workers stopped and killed (docs/faults.md)"
	@echo "make e2e     browser journeys in headless Chromium (screenshots in artifacts/e2e/)"
	@echo "make lint    ruff, import-linter layers, makemigrations --check, check --deploy"
	@echo "make bench   benchmarks: ours against a baseline measured in the same run"
	@echo "make bench-short  every benchmark on small data (CI: a broken bench fails the run)"
	@echo "make province     primary + read replica + pgbouncer + gunicorn and Celery processes (docs/scale.md)"
	@echo "make production  gunicorn + Celery worker + beat against PostgreSQL and Redis"

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency files change.
$(STAMP): pyproject.toml constraints.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) system-deps messages

system-deps:
	bash scripts/install-system-deps.sh --for base

# The catalogues are compiled when a .po is newer than its .mo (not on every `make test`: ~4 s).
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po locale_vendor/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
messages: $(MO_FILES)
$(MO_FILES) &: $(PO_FILES) $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var -v0
	@touch $(MO_FILES)  # compilemessages leaves an up-to-date .mo as it was: all newer than every .po now

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --no-input -v0

seed: migrate
	$(PY) manage.py seed_demo

serve:
	$(PY) manage.py runserver $(HOST):$(PORT)

demo: seed serve

test: install
	$(PY) -m pytest -m "not e2e and not faults" -n $(PYTEST_WORKERS) $(if $(filter 0,$(PYTEST_WORKERS)),,--maxschedchunk 2) $(PYTEST_ARGS)

# Fault injection (docs/faults.md): each test starts its own PostgreSQL cluster, Redis and Celery workers on
# free loopback ports, in one process (the services are the test's). A missing binary skips, or fails
# under FAULTS_REQUIRE=1 (CI).
faults: install
	$(PY) -m pytest -m faults tests/faults -p no:xdist $(PYTEST_ARGS)

e2e: install
	bash scripts/install-system-deps.sh --for e2e
	$(PY) -m pytest -m e2e tests/e2e -p no:xdist $(PYTEST_ARGS)

lint: install
	mkdir -p var
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	bash scripts/check-translations.sh
	DJANGO_SETTINGS_MODULE=config.settings.production \
	SECRET_KEY=ci-dummy-secret-key-for-check-deploy-0123456789-abcdefghijklmnop \
	FILE_MASTER_KEYS=ci:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= \
	ALLOWED_HOSTS=cunzhan.example.cn DATABASE_URL=postgres://cunzhan@127.0.0.1:5432/cunzhan_check_deploy_only \
	$(PY) manage.py check --deploy --fail-level WARNING

bench: install
	bash scripts/install-system-deps.sh --for bench
	$(PY) -m benches

bench-short: install
	$(PY) -m benches --short

province: install
	bash scripts/province/up.sh

province-down:
	bash scripts/province/down.sh

production: install
	bash scripts/run-production.sh

clean:
	rm -rf var artifacts

lock: $(PY)
	( echo "# Exact versions for reproducible installs (pip install -c constraints.txt -e '.[dev]')."; \
	  echo "# Regenerate after changing pyproject.toml: make lock"; \
	  $(PY) -m pip freeze --exclude-editable | grep -vi "^cunzhan" ) > constraints.txt
