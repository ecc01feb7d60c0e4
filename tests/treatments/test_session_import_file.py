"""A file of 1,000 historical sessions with seeded errors: the import reports
exactly the lines with errors and writes every other session once."""

import datetime

import pytest

from tests.factories import PatientFactory, TreatmentCourseFactory, UserFactory
from tests.treatments.test_session_import import csv_text
from treatments.models import Injection, ToxinSession
from treatments.session_imports import (
    ALREADY,
    REFUSED,
    WOULD_WRITE,
    WRITTEN,
    import_sessions,
)

pytestmark = pytest.mark.django_db

PATIENTS = 100
SESSIONS_EACH = 10
FIRST_DAY = datetime.date(2015, 1, 5)


def seeded_file() -> tuple[str, list[int], int]:
    """The file, the lines that have errors, and how many sessions have one."""
    rows, bad_lines, bad_sessions = [], [], 0
    for number in range(PATIENTS * SESSIONS_EACH):
        patient, nth = divmod(number, SESSIONS_EACH)
        day = FIRST_DAY + datetime.timedelta(days=91 * nth)
        session = [
            _site(patient, day, muscle="oo_pretarsal_upper_medial"),
            _site(patient, day, muscle="oo_pretarsal_upper_lateral"),
        ]
        first_line = len(rows) + 2
        seeded = number % 37 == 5
        if seeded:
            bad_sessions += 1
            kind = (number // 37) % 5
            if kind == 0:
                session[1]["muscle"] = "elbow"
                bad_lines.append(first_line + 1)
            elif kind == 1:
                session[0]["units"] = "two"
                bad_lines.append(first_line)
            elif kind == 2:
                session[1]["side"] = "midline"
                bad_lines.append(first_line + 1)
            elif kind == 3:
                for row in session:
                    row["performed_at"] = "2099-01-05 10:00"
                bad_lines.append(first_line)
            else:
                for row in session:
                    row["mrn"] = f"NOSUCH{number}"
                bad_lines.append(first_line)
        rows.extend(session)
    return csv_text(*rows), bad_lines, bad_sessions


def _site(patient: int, day: datetime.date, *, muscle: str) -> dict:
    return {
        "mrn": f"H{patient:05d}",
        "performed_at": f"{day:%Y-%m-%d} 10:00",
        "product": "onabotulinumtoxina",
        "injector": "drsmith",
        "consent": "yes",
        "muscle": muscle,
        "side": "right",
        "units": "2.5",
    }


def test_a_thousand_sessions_with_seeded_errors(neurologist):
    UserFactory(username="drsmith", roles=["Injector"])
    for patient in range(PATIENTS):
        TreatmentCourseFactory(case__patient=PatientFactory(mrn=f"H{patient:05d}"))
    text, bad_lines, bad_sessions = seeded_file()
    good = PATIENTS * SESSIONS_EACH - bad_sessions

    dry = import_sessions(text, by=neurologist, dry_run=True)
    assert dry.lines_with_errors() == bad_lines
    assert dry.count(WOULD_WRITE) == good
    assert not ToxinSession.objects.exists()

    report = import_sessions(text, by=neurologist, dry_run=False)
    assert report.lines_with_errors() == bad_lines
    assert (report.count(WRITTEN), report.count(REFUSED)) == (good, bad_sessions)
    assert ToxinSession.objects.filter(is_historical=True).count() == good
    assert Injection.objects.count() == 2 * good

    again = import_sessions(text, by=neurologist, dry_run=False)
    assert again.count(ALREADY) == good
    assert ToxinSession.objects.count() == good
