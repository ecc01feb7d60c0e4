# Two commands set up a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The development server runs with debug on and a development-only key; production
# sets DJANGO_SECRET_KEY and leaves DJANGO_DEBUG off.
RUN_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}
TEST_ENV := DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-tests-only-not-secret}

.PHONY: run test lint venv clean bench

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

run: venv
	@$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	@$(RUN_ENV) $(BIN)/python manage.py seed_demo --if-empty
	@$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: venv
	@[ -x "$${CLINIC_CHROMIUM:-/usr/bin/chromium}" ] || echo "Browser tests skipped: no Chromium at $${CLINIC_CHROMIUM:-/usr/bin/chromium} (apt-get install chromium to run them)."
	$(TEST_ENV) $(BIN)/python -m pytest

lint: venv
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

# The page benchmark (not part of the tests): builds the databases it lacks, then
# times the key pages at both sizes. Needs PostgreSQL (DATABASE_URL names the server).
SIZE ?= 1000 100000
BENCH_URL := $${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
bench: venv
	@case "$(BENCH_URL)" in postgres*) ;; *) echo "make bench needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/any"; exit 2;; esac
	@pg_isready -q -d "$(BENCH_URL)" 2>/dev/null || { echo "make bench needs PostgreSQL, which is not reachable at the server DATABASE_URL names (default: 127.0.0.1:5432); start it, or set DATABASE_URL."; exit 2; }
	DATABASE_URL="$(BENCH_URL)" $(BIN)/python -m bench --sizes $(SIZE) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
