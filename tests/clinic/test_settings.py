import subprocess
import sys

import pytest
from django.conf import settings

from clinic.settings import BASE_DIR


def run_python(script: str, **env):
    """Run a script in a fresh interpreter with only these variables set."""
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
    )


def load_settings(**env):
    """Import the settings in a fresh interpreter with only these variables set."""
    return run_python("import clinic.settings as s; print(s.DATABASES)", **env)


def test_defaults_to_a_sqlite_file_in_the_project():
    result = load_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.sqlite3" in result.stdout
    assert str(BASE_DIR / "db.sqlite3") in result.stdout


def test_postgres_url_is_used():
    result = load_settings(
        DJANGO_DEBUG="1", DATABASE_URL="postgres://clinic@db.internal:5432/clinic"
    )
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.postgresql" in result.stdout


def test_secret_key_is_required_when_debug_is_off():
    result = load_settings()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off." in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"DATABASE_URL": "mysql://root:hunter2@localhost/clinic"},
            "DATABASE_URL must start with postgres:// or sqlite://",
        ),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL cannot be used"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG must be a boolean"),
        ({"DJANGO_TIME_ZONE": "Mars/Olympus"}, "DJANGO_TIME_ZONE must be an IANA zone"),
        ({"CLINIC_MIN_REINJECTION_DAYS": "twelve"}, "must be a whole number"),
    ],
)
def test_bad_values_stop_start_up_with_a_clear_message(env, message):
    result = load_settings(DJANGO_SECRET_KEY="x", **env)
    assert result.returncode != 0
    assert message in result.stderr
    assert "hunter2" not in result.stderr


def test_time_zone_aware():
    assert settings.USE_TZ is True


def test_every_page_requires_login():
    assert (
        "django.contrib.auth.middleware.LoginRequiredMiddleware" in settings.MIDDLEWARE
    )


def test_the_served_application_freezes_its_start_up_heap():
    """clinic.wsgi imports every view and hides the start-up objects from the
    garbage collector, so full collections walk a page's garbage, not the
    process. In a fresh interpreter: nothing else has frozen anything there."""
    script = (
        "import gc, sys; import clinic.wsgi; "
        "print(gc.get_freeze_count(), 'patients.views' in sys.modules)"
    )
    result = run_python(script, DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    frozen, views_imported = result.stdout.split()
    assert int(frozen) > 10_000
    assert views_imported == "True"


@pytest.mark.parametrize(
    ("debug", "storage"),
    [
        ("1", "django.contrib.staticfiles.storage.StaticFilesStorage"),
        ("0", "whitenoise.storage.CompressedManifestStaticFilesStorage"),
    ],
)
def test_only_debug_links_static_files_without_collecting_them(debug, storage):
    script = "import clinic.settings as s; print(s.STORAGES['staticfiles']['BACKEND'])"
    result = run_python(script, DJANGO_DEBUG=debug, DJANGO_SECRET_KEY="x")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == storage
