"""A patient's whole record as one zip (/patients/<id>/record/, right of
access): the FHIR Bundle, a PDF summary of the chart, a CSV of every kind of
record and the kept letters; for the roles that read every kind of record;
logged."""

import csv
import io
import json
import zipfile

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from clinic.models import AccessAction, AccessLog, Letter
from clinic.record_export import RECORD_FILES
from tests.factories import (
    AssessmentFactory,
    InjectionFactory,
    ToxinSessionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    session = ToxinSessionFactory(notes='=HYPERLINK("http://x")')
    InjectionFactory(session=session)
    AssessmentFactory(case=session.course.case)
    ToxinSessionFactory()  # another patient's
    return session


def download(client, user, patient):
    client.force_login(user)
    return client.get(reverse("patient_record_export", args=[patient.pk]))


def opened(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_holds_the_bundle_the_summary_and_every_table(client, neurologist, session):
    patient = session.course.case.patient
    Letter.objects.create(
        kind="post_session",
        patient=patient,
        toxin_session=session,
        recipient="Dr A. Referrer",
        pdf=SimpleUploadedFile("l.pdf", b"%PDF-1.7 kept letter"),
        produced_by=neurologist,
    )
    archive = opened(download(client, neurologist, patient))
    names = set(archive.namelist())
    assert {"README.txt", "fhir-bundle.json", "summary.pdf"} <= names
    assert {f"csv/{name}.csv" for name, _, _ in RECORD_FILES} <= names
    letter = next(name for name in names if name.startswith("letters/"))
    assert archive.read(letter) == b"%PDF-1.7 kept letter"
    Bundle.model_validate(json.loads(archive.read("fhir-bundle.json")))
    summary = pypdf.PdfReader(io.BytesIO(archive.read("summary.pdf")))
    text = " ".join(page.extract_text() for page in summary.pages)
    assert patient.family_name.upper() in text and "Hemifacial spasm" in text


def test_the_tables_hold_this_patient_s_rows_formula_safe(client, neurologist, session):
    patient = session.course.case.patient
    archive = opened(download(client, neurologist, patient))
    text = archive.read("csv/toxin-sessions.csv").decode()
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert [row[header.index("id")] for row in rows] == [str(session.pk)]
    assert rows[0][header.index("notes")] == '\'=HYPERLINK("http://x")'
    assert rows[0][header.index("product")] == "onabotulinumtoxinA (Botox)"
    assert "form_token" not in header
    patients = list(csv.reader(io.StringIO(archive.read("csv/patient.csv").decode())))
    assert [row[patients[0].index("mrn")] for row in patients[1:]] == [patient.mrn]


def test_each_export_is_in_the_access_log(client, clinic_admin, session):
    patient = session.course.case.patient
    opened(download(client, clinic_admin, patient))
    entry = AccessLog.objects.get()
    assert (entry.patient, entry.action, entry.record_type) == (
        patient,
        AccessAction.EXPORT,
        "",
    )


@pytest.mark.parametrize("persona", ["injector", "therapist", "scheduler", "outsider"])
def test_only_roles_that_read_every_record_export_it(client, request, persona, session):
    response = download(
        client, request.getfixturevalue(persona), session.course.case.patient
    )
    assert response.status_code == 403
    assert not AccessLog.objects.exists()


def test_the_chart_offers_it_to_those_who_may(client, neurologist, injector, session):
    patient = session.course.case.patient
    url = reverse("patient_record_export", args=[patient.pk])
    client.force_login(neurologist)
    assert url in client.get(patient.get_absolute_url()).content.decode()
    client.force_login(injector)
    assert url not in client.get(patient.get_absolute_url()).content.decode()


def test_queries_do_not_grow_with_records(client, neurologist, session):
    patient = session.course.case.patient
    client.force_login(neurologist)
    url = reverse("patient_record_export", args=[patient.pk])
    with CaptureQueriesContext(connection) as baseline:
        client.get(url)
    for _ in range(3):
        more = ToxinSessionFactory(course=session.course)
        InjectionFactory(session=more)
        AssessmentFactory(case=session.course.case)
    with CaptureQueriesContext(connection) as grown:
        client.get(url)
    assert len(grown) == len(baseline)


def test_a_kept_letter_whose_file_is_gone_is_said_so(client, neurologist, session):
    patient = session.course.case.patient
    letter = Letter.objects.create(
        kind="post_session",
        patient=patient,
        toxin_session=session,
        recipient="Dr A. Referrer",
        pdf=SimpleUploadedFile("l.pdf", b"%PDF-1.7"),
        produced_by=neurologist,
    )
    letter.pdf.delete(save=False)
    archive = opened(download(client, neurologist, patient))
    missing = f"letters/letter-{letter.pk}-post_session-missing.txt"
    assert "missing from the store" in archive.read(missing).decode()
