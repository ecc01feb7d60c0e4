"""check_stored_text lists the records stored before the text rules that break
them, by record and field only, and exits 1 when there are any."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from patients.models import Patient
from tests.factories import PatientFactory, VialFactory
from treatments.models import Vial

pytestmark = pytest.mark.django_db


def run() -> tuple[str, str]:
    out = io.StringIO()
    try:
        call_command("check_stored_text", stdout=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), ""


def test_clean_records_pass():
    PatientFactory(given_name="Zoë")
    VialFactory()

    out, error = run()

    assert error == ""
    assert "passes" in out


def test_legacy_values_are_listed_by_record_and_field_only():
    # Stored as an older release (or a raw import) left them: no save, no checks.
    hidden = PatientFactory()
    Patient.objects.filter(pk=hidden.pk).update(given_name="Ann\u202eEvil")
    decomposed = PatientFactory()
    with connection.cursor() as cursor:  # the ORM would store its NFC form
        cursor.execute(
            "UPDATE patients_patient SET family_name = %s WHERE id = %s",
            ["Zoe\u0308", decomposed.pk],
        )
    vial = VialFactory()
    Vial.objects.filter(pk=vial.pk).update(lot_number="C 0952")
    PatientFactory(given_name="Clean")

    out, error = run()

    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"patients.patient #{hidden.pk} given_name: Remove")
    assert lines[1].startswith(f"patients.patient #{decomposed.pk} family_name: Not")
    assert lines[2].startswith(f"treatments.vial #{vial.pk} lot_number: A lot number")
    assert error == "3 stored value(s) to correct."
    assert "Evil" not in out and "0952" not in out and "Zoe" not in out


def test_history_rows_are_not_checked():
    patient = PatientFactory()
    Patient.history.filter(id=patient.pk).update(given_name="Ann\u200b")

    assert run()[1] == ""
