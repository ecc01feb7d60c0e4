# Two commands set up a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The development server runs with debug on and a development-only key; production
# sets DJANGO_SECRET_KEY and leaves DJANGO_DEBUG off.
# The demo asks for the second factor as production does (CLINIC_REQUIRE_2FA=0 to skip).
RUN_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1} CLINIC_REQUIRE_2FA=$${CLINIC_REQUIRE_2FA:-1}
TEST_ENV := DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-tests-only-not-secret}

.PHONY: run test lint venv clean bench serve serve-needs-secret-key worker backup restore-check

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

# The task worker runs the long exports (README "Background jobs") beside the
# development server, and stops with it (Ctrl+C ends the server, the trap the worker).
run: venv
	@$(RUN_ENV) $(BIN)/python manage.py compile_translations --stale
	@$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	@$(RUN_ENV) $(BIN)/python manage.py seed_demo --if-empty
	@$(RUN_ENV) $(BIN)/python manage.py db_worker --no-reload & \
		trap "kill $$! 2>/dev/null" EXIT INT TERM; \
		$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# Production: debug off, migrations applied, static files collected (hashed and
# gzipped, served by WhiteNoise), gunicorn listening on every interface. The key is
# checked before the venv is built, so a forgotten key is said at once.
SERVE_ENV := DJANGO_DEBUG=0
serve-needs-secret-key:
	@[ -n "$${DJANGO_SECRET_KEY:-}" ] || { echo "make serve needs DJANGO_SECRET_KEY: set it to a long random string kept out of the code, e.g. from: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'" >&2; exit 2; }

# --preload: the master imports clinic.wsgi once, so freeze_startup_heap() runs before
# the fork and every worker inherits the frozen start-up heap: its collections never
# walk those objects, and the memory the workers share is copied less. The cost: new
# code needs a restart, not a HUP. A request still running after 30 s is stuck: its
# worker is replaced. The access log goes to stdout, errors to stderr.
serve: serve-needs-secret-key venv
	@$(SERVE_ENV) $(BIN)/python manage.py compile_translations
	@$(SERVE_ENV) $(BIN)/python manage.py migrate --no-input
	@$(SERVE_ENV) $(BIN)/python manage.py collectstatic --no-input
	@$(SERVE_ENV) exec $(BIN)/gunicorn clinic.wsgi:application --preload \
		--bind 0.0.0.0:$${PORT:-8000} --workers $${WEB_CONCURRENCY:-2} \
		--timeout 30 --access-logfile -

# The task worker for background jobs (README "Background jobs"): production runs
# it beside `make serve`, as a service of its own with the same environment (one or
# more of them; each runs one job at a time). On SIGTERM it finishes its job first.
worker: serve-needs-secret-key venv
	@$(SERVE_ENV) exec $(BIN)/python manage.py db_worker --no-reload

test: venv
	@[ -x "$${CLINIC_CHROMIUM:-/usr/bin/chromium}" ] || echo "Browser tests skipped: no Chromium at $${CLINIC_CHROMIUM:-/usr/bin/chromium} (apt-get install chromium to run them)."
	$(TEST_ENV) $(BIN)/python manage.py compile_translations --stale
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

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

# Backups (PostgreSQL only): a pg_dump with a same-snapshot fingerprint of the
# clinical tables, and a check that restores the latest one into a scratch
# database (dropped before and after) and compares it with that fingerprint.
BACKUP_DIR ?= backups
BACKUP_KEEP ?= 14
RESTORE_CHECK_DB ?= clinic_restore_check
backup: venv
	@$(BIN)/python manage.py backup --dir "$(BACKUP_DIR)" --keep "$(BACKUP_KEEP)"

restore-check: venv
	@$(BIN)/python manage.py restore_check --dir "$(BACKUP_DIR)" --database-name "$(RESTORE_CHECK_DB)"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
