"""The minimum re-injection interval is one number: treatments.intervals holds
the DOMAIN.md default, the setting defaults to it, and the rest reads the setting."""

import os
import subprocess
import sys

from django.conf import settings

from treatments import intervals


def test_the_setting_defaults_to_the_intervals_constant():
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "CLINIC_MIN_REINJECTION_DAYS"
    }
    env["DJANGO_SECRET_KEY"] = "x"
    code = (
        "import clinic.settings as s, treatments.intervals as i;"
        "print(s.CLINIC_MIN_REINJECTION_DAYS, i.MINIMUM_INTERVAL_DAYS)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    ).stdout.split()
    assert out == ["84", "84"]


def test_the_loaded_setting_is_the_constant():
    assert settings.CLINIC_MIN_REINJECTION_DAYS == intervals.MINIMUM_INTERVAL_DAYS
