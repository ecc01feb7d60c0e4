"""A clinic administrator searches the access log by user or patient in the admin
and exports what the list shows as CSV; cells that a spreadsheet would run as a
formula open as text."""

import csv
import io
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.models import AccessLog
from clinic.spreadsheet_cells import text_cell
from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/clinic/accesslog/"
EXPORT_URL = "/admin/clinic/accesslog/export/"


def log(user, patient, **fields):
    return AccessLog.objects.create(user=user, patient=patient, action="view", **fields)


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def entries():
    reader = UserFactory(username="rita", first_name="Rita", last_name="Reader")
    other = UserFactory(username="otto")
    smith = PatientFactory(mrn="MRN-1001", family_name="Smith")
    jones = PatientFactory(mrn="MRN-2002", family_name="Jones")
    return {
        "smith_session": log(
            reader,
            smith,
            record_type="treatments.toxinsession",
            record_id=41,
            address="192.0.2.5",
            request_id="abc123def456",
        ),
        "jones_chart": log(other, jones),
        "smith_chart": log(other, smith),
    }


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx"])
def test_a_formula_opens_as_text(text):
    assert text_cell(text) == f"'{text}"


@pytest.mark.parametrize("value", ["Smith", "a=b", "", None, 12])
def test_other_cells_are_left_as_they_are(value):
    assert text_cell(value) == ("" if value is None else str(value))


def test_the_admin_searches_by_patient_and_shows_what_and_from_where(
    client, clinic_admin, entries
):
    client.force_login(clinic_admin)

    response = client.get(LIST_URL, {"q": "MRN-1001"})

    assert set(response.context["cl"].result_list) == {
        entries["smith_session"],
        entries["smith_chart"],
    }
    content = response.content.decode()
    assert "toxin session #41" in content
    assert "192.0.2.5" in content
    assert "Export these rows as CSV" in content


def test_the_export_has_the_rows_the_list_shows_newest_first(
    client, clinic_admin, entries
):
    client.force_login(clinic_admin)

    response = client.get(EXPORT_URL, {"q": "rita"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    header, *rows = csv_rows(response)
    assert header[:5] == ["When", "User", "User's name", "Action", "Record"]
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["User"] == "rita"
    assert row["User's name"] == "Rita Reader"
    assert row["Action"] == "Opened"
    assert row["Record"] == "toxin session #41"
    assert (row["Record type"], row["Record id"]) == ("treatments.toxinsession", "41")
    assert (row["MRN"], row["Address"], row["Request id"]) == (
        "MRN-1001",
        "192.0.2.5",
        "abc123def456",
    )


def test_the_export_names_patients_by_id_and_mrn_only(client, clinic_admin, entries):
    client.force_login(clinic_admin)

    rows = csv_rows(client.get(EXPORT_URL))

    assert len(rows) == 4
    assert [row[1] for row in rows[1:]] == ["otto", "otto", "rita"]  # newest first
    body = "\n".join(",".join(row) for row in rows)
    assert "Smith" not in body and "Jones" not in body


def test_a_user_named_like_a_formula_is_exported_as_text(client, clinic_admin):
    log(UserFactory(username="@evil", last_name="=HYPERLINK(x)"), PatientFactory())
    client.force_login(clinic_admin)

    header, row = csv_rows(client.get(EXPORT_URL))

    assert row[1] == "'@evil"
    assert row[2].endswith("=HYPERLINK(x)")
    assert not row[2].startswith("=")


def test_a_neurologist_reads_the_log_but_does_not_export_it(
    client, neurologist, entries
):
    neurologist.is_staff = True
    neurologist.save()
    client.force_login(neurologist)

    listed = client.get(LIST_URL)

    assert listed.status_code == 200
    assert "Export these rows as CSV" not in listed.content.decode()
    assert client.get(EXPORT_URL).status_code == 403


def test_an_unknown_filter_answers_400(client, clinic_admin, entries):
    client.force_login(clinic_admin)

    assert client.get(EXPORT_URL, {"no_such_field": "1"}).status_code == 400


def test_the_export_takes_get_only(client, clinic_admin):
    client.force_login(clinic_admin)

    assert client.post(EXPORT_URL).status_code == 405


def test_the_export_link_keeps_the_search(client, clinic_admin, entries):
    client.force_login(clinic_admin)

    content = client.get(LIST_URL, {"q": "rita"}).content.decode()

    assert f'href="{reverse("admin:clinic_accesslog_export")}?q=rita"' in content


def test_the_export_queries_do_not_grow_with_rows(client, clinic_admin, entries):
    client.force_login(clinic_admin)
    with CaptureQueriesContext(connection) as few:
        csv_rows(client.get(EXPORT_URL))
    user, patient = UserFactory(), PatientFactory()
    for _ in range(20):
        log(user, patient)
    with CaptureQueriesContext(connection) as many:
        rows = csv_rows(client.get(EXPORT_URL))
    assert len(rows) == 24
    assert len(many) == len(few)


def test_each_export_is_a_log_line_with_the_user_and_no_patient(
    client, clinic_admin, entries, caplog
):
    client.force_login(clinic_admin)
    assert logging.getLogger("clinic.access_export").isEnabledFor(logging.INFO)

    csv_rows(client.get(EXPORT_URL, {"q": "MRN-1001"}))

    [line] = [r for r in caplog.records if r.name == "clinic.access_export"]
    assert line.getMessage() == f"access log exported by user {clinic_admin.pk}"
    assert "MRN-1001" not in line.getMessage()
