"""manage.py export_fhir: every patient's record as NDJSON per resource type,
each line a valid FHIR R4 resource, every reference resolving within the files,
made as a named user and logged for each patient."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B import get_fhir_model_class

from clinic.models import AccessAction, AccessLog
from tests.clinic.test_fhir_export import walk
from tests.factories import (
    AppointmentFactory,
    AssessmentFactory,
    InjectionFactory,
    PatientFactory,
    ToxinSessionFactory,
)

pytestmark = pytest.mark.django_db


def patient_with_records():
    session = ToxinSessionFactory()
    InjectionFactory(session=session)
    patient = session.course.case.patient
    AssessmentFactory(case=session.course.case)
    AppointmentFactory(patient=patient)
    return patient


def exported(outdir) -> dict[str, list[dict]]:
    return {
        path.stem: [json.loads(line) for line in path.read_text().splitlines()]
        for path in sorted(outdir.glob("*.ndjson"))
    }


def test_writes_each_resource_type_to_its_file(tmp_path, neurologist):
    first, second = patient_with_records(), patient_with_records()
    call_command("export_fhir", tmp_path, user=neurologist.username)
    files = exported(tmp_path)
    assert {p["id"] for p in files["Patient"]} == {str(first.pk), str(second.pk)}
    assert len(files["MedicationAdministration"]) == 2
    held = set()
    for resource_type, lines in files.items():
        for resource in lines:
            assert resource["resourceType"] == resource_type
            get_fhir_model_class(resource_type).model_validate(resource)
            held.add(f"{resource_type}/{resource['id']}")
    for lines in files.values():
        for resource in lines:
            contained = {f"#{inner['id']}" for inner in resource.get("contained", [])}
            for element in walk(resource):
                target = element.get("reference")
                if isinstance(target, str):
                    assert target in held | contained
    logged = AccessLog.objects.filter(user=neurologist, action=AccessAction.EXPORT)
    assert sorted(logged.values_list("patient_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )


def test_only_the_patients_named(tmp_path, neurologist):
    chosen = patient_with_records()
    patient_with_records()
    call_command("export_fhir", tmp_path, user=neurologist.username, mrn=[chosen.mrn])
    assert [p["id"] for p in exported(tmp_path)["Patient"]] == [str(chosen.pk)]


def test_a_scheduler_exports_no_clinical_records(tmp_path, scheduler):
    patient_with_records()
    call_command("export_fhir", tmp_path, user=scheduler.username)
    assert set(exported(tmp_path)) == {
        "Patient",
        "Appointment",
        "Practitioner",
        "Organization",
    }


@pytest.mark.parametrize(
    "options, message",
    [
        ({"user": "nobody"}, "nobody is not an active user who may view patients"),
        ({"user": "outsider"}, "outsider is not an active user who may view patients"),
        ({"user": "neuro", "mrn": ["NOPE"]}, "No patient with MRN NOPE"),
    ],
)
def test_refusals_write_nothing(tmp_path, neurologist, outsider, options, message):
    PatientFactory()
    with pytest.raises(CommandError, match=message):
        call_command("export_fhir", tmp_path, **options)
    assert not list(tmp_path.glob("*.ndjson"))
    assert not AccessLog.objects.exists()


def test_an_earlier_export_is_not_overwritten(tmp_path, neurologist):
    PatientFactory()
    (tmp_path / "Patient.ndjson").write_text("{}\n")
    with pytest.raises(CommandError, match="already holds an export"):
        call_command("export_fhir", tmp_path, user=neurologist.username)
    assert (tmp_path / "Patient.ndjson").read_text() == "{}\n"


def test_queries_do_not_grow_with_patients(tmp_path, neurologist):
    patient_with_records()
    with CaptureQueriesContext(connection) as baseline:
        call_command("export_fhir", tmp_path / "one", user=neurologist.username)
    for _ in range(3):
        patient_with_records()
    with CaptureQueriesContext(connection) as grown:
        call_command("export_fhir", tmp_path / "four", user=neurologist.username)
    assert len(exported(tmp_path / "four")["Patient"]) == 4
    assert len(grown) == len(baseline)
