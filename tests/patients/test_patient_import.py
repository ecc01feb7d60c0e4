"""Patients imported from CSV (patients/imports.py, the admin's Import): each row
checked as the patient form checks a patient typed in, errors reported row by
row in a dry run that writes nothing, valid files written through the form,
and the same file imported twice creating nothing new."""

import datetime

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from patients.imports import IMPORT_COLUMNS, MINOR_MESSAGE, PatientResource
from patients.models import Guardian, Patient
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

CHILD_BORN = (timezone.localdate() - datetime.timedelta(days=365 * 9)).isoformat()


def row(**values) -> dict:
    base = {
        "mrn": "imp-1",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "date_of_birth": "1965-12-10",
        "sex": "female",
    }
    return {column: "" for column in IMPORT_COLUMNS} | base | values


def dataset(*rows) -> tablib.Dataset:
    data = tablib.Dataset(headers=list(IMPORT_COLUMNS))
    for values in rows:
        data.append([values[column] for column in IMPORT_COLUMNS])
    return data


def csv_of(*rows) -> bytes:
    return dataset(*rows).export("csv").encode()


def imported(*rows, dry_run: bool):
    return PatientResource().import_data(dataset(*rows), dry_run=dry_run)


def row_errors(result) -> dict[int, dict[str, list[str]]]:
    return {
        invalid.number: {
            field: [str(message) for message in messages]
            for field, messages in invalid.error_dict.items()
        }
        for invalid in result.invalid_rows
    }


def test_a_dry_run_reports_each_bad_row_and_writes_nothing():
    PatientFactory(
        family_name="Okafor",
        given_name="Grace",
        date_of_birth=datetime.date(1961, 4, 12),
    )
    result = imported(
        row(),
        row(mrn="imp-2", date_of_birth="1965-02-31"),
        row(mrn="imp-3", date_of_birth=CHILD_BORN),
        row(
            mrn="imp-4",
            given_name="Grace",
            family_name="Okafer",
            date_of_birth="1961-04-12",
        ),
        row(
            mrn="imp-5",
            given_name="Grace",
            family_name="Okafer",
            date_of_birth="1961-04-12",
            not_a_duplicate="yes",
        ),
        row(
            mrn="imp-6",
            date_of_birth=CHILD_BORN,
            guardian_name="Mary Somerville",
            guardian_relationship="mother",
        ),
        row(
            mrn="imp-7",
            given_name="Emmy",
            family_name="Noether",
            date_of_birth=CHILD_BORN,
            guardian_name="X Y",
            guardian_relationship="aunt",
        ),
        dry_run=True,
    )
    errors = row_errors(result)
    assert set(errors) == {2, 3, 4, 7}
    assert "date_of_birth" in errors[2]
    assert errors[3] == {"guardian_name": [MINOR_MESSAGE]}
    assert "This may be a patient already on record" in errors[4]["not_a_duplicate"][0]
    assert "guardian_relationship" in errors[7]
    assert Patient.objects.count() == 1
    assert not Guardian.objects.exists()


def test_a_valid_file_is_written_through_the_form_and_once_only():
    rows = [
        row(mrn=" imp-1 ", family_name="Lovelace"),
        row(
            mrn="imp-6",
            date_of_birth=CHILD_BORN,
            guardian_name="Mary Somerville",
            guardian_relationship="mother",
            guardian_phone="01632 960555",
        ),
    ]
    result = imported(*rows, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    adult = Patient.objects.get(mrn="IMP-1")
    assert adult.search_name == "ada lovelace"
    assert adult.history.count() == 1
    child = Patient.objects.get(mrn="IMP-6")
    guardian = child.guardians.get()
    assert (guardian.full_name, guardian.holds_consent) == ("Mary Somerville", True)
    assert not child.is_minor_without_guardian

    again = imported(*rows, dry_run=False)
    assert Patient.objects.count() == 2 and Guardian.objects.count() == 1
    assert again.totals["new"] == 0 and again.totals["skip"] == 2


def test_a_changed_row_updates_only_its_columns():
    patient = PatientFactory(
        mrn="IMP-1", weight_kg=70, weight_measured_on=datetime.date(2026, 1, 1)
    )
    imported(
        row(
            mrn="IMP-1",
            given_name=patient.given_name,
            family_name="Changed",
            date_of_birth=patient.date_of_birth.isoformat(),
            sex=patient.sex,
        ),
        dry_run=False,
    )
    patient.refresh_from_db()
    assert patient.family_name == "Changed"
    assert patient.weight_kg == 70


class TestAdminImport:
    URL = reverse("admin:patients_patient_import")

    def upload(self, client, content: bytes):
        return client.post(
            self.URL,
            {
                "resource": "0",
                "format": "0",
                "import_file": SimpleUploadedFile("patients.csv", content, "text/csv"),
            },
        )

    def test_the_dry_run_shows_errors_by_row_and_a_valid_file_imports(
        self, client, superuser
    ):
        client.force_login(superuser)
        bad = self.upload(
            client, csv_of(row(), row(mrn="imp-2", date_of_birth="1965-02-31"))
        )
        assert bad.status_code == 200
        page = bad.content.decode()
        assert "Enter a valid date." in page and "confirm_form" not in bad.context
        assert not Patient.objects.exists()

        good = self.upload(client, csv_of(row()))
        confirm = good.context["confirm_form"]
        response = client.post(
            reverse("admin:patients_patient_process_import"),
            {name: confirm[name].value() for name in confirm.fields},
        )
        assert response.status_code == 302
        assert Patient.objects.filter(mrn="IMP-1").exists()

    def test_who_may_not_add_patients_may_not_import(self, client, injector):
        client.force_login(injector)
        assert client.get(self.URL).status_code == 403


def test_the_template_downloads_and_imports_cleanly(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:patients_patient_import_template"))
    content = response.content.decode()
    assert content.splitlines()[0] == ",".join(IMPORT_COLUMNS)
    data = tablib.Dataset().load(content, format="csv")
    result = PatientResource().import_data(data, dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 2
    page = client.get(reverse("admin:patients_patient_import")).content.decode()
    assert reverse("admin:patients_patient_import_template") in page
