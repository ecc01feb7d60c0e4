"""Lists exported as CSV and Excel (clinic/list_exports.py and the export views
of the patient list, the recall list, the lot look-up and the admin's toxin
sessions): the rows the list shows, safe from formula injection, logged per
patient, for the exporting roles only, within the row limit."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from clinic import list_exports
from clinic.models import AccessAction, AccessLog
from tests.factories import (
    InjectionFactory,
    PatientFactory,
    RecallContactFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
)

pytestmark = pytest.mark.django_db

PATIENTS_EXPORT = reverse("patients:patient_list_export")
RECALL_EXPORT = reverse("scheduling:recall_export")
LOT_EXPORT = reverse("scheduling:lot_export")
SESSIONS_EXPORT = reverse("admin:treatments_toxinsession_export")
FORMULA_STARTS = ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def excel_rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [tuple(cell for cell in row) for row in sheet.iter_rows()]


def exported(client, user, url, **query):
    client.force_login(user)
    return client.get(url, query)


class TestCells:
    def test_csv_quotes_every_formula_start_and_nothing_else(self):
        lines = list(list_exports.csv_lines(["value"], [[t] for t in FORMULA_STARTS]))
        values = [row[0] for row in csv.reader(io.StringIO("".join(lines[1:])))]
        assert values == [f"'{text}" for text in FORMULA_STARTS]
        plain = list(list_exports.csv_lines(["a"], [["Smith = 2"], ["O'Neil"]]))
        assert plain[1:] == ["Smith = 2\r\n", "O'Neil\r\n"]

    def test_csv_writes_dates_in_iso_form_and_times_in_the_clinic_zone(self, settings):
        settings.TIME_ZONE = "America/New_York"
        at = datetime.datetime(2026, 3, 2, 15, 30, tzinfo=datetime.UTC)
        lines = list(
            list_exports.csv_lines(
                ["d", "t", "n"], [[datetime.date(2026, 1, 5), at, 7]]
            )
        )
        assert lines[1] == "2026-01-05,2026-03-02T10:30-05:00,7\r\n"

    def test_excel_writes_formula_starts_as_text_and_numbers_and_dates_as_such(self):
        content = list_exports.excel_bytes(
            ["text", "units", "on"],
            [
                [text, Decimal("12.5"), datetime.date(2026, 1, 5)]
                for text in FORMULA_STARTS
            ],
        )
        sheet = load_workbook(io.BytesIO(content)).active
        rows = list(sheet.iter_rows(min_row=2))
        # XML reads a stored carriage return back as a line feed.
        assert [row[0].value for row in rows] == [*FORMULA_STARTS[:5], "\nx"]
        assert {row[0].data_type for row in rows} == {"s"}
        assert rows[0][1].value == 12.5 and rows[0][1].data_type == "n"
        assert rows[0][2].value.date() == datetime.date(2026, 1, 5)
        assert rows[0][2].is_date


class TestPatientListExport:
    def test_exports_what_the_search_lists_and_logs_each_patient(
        self, client, neurologist
    ):
        smith = PatientFactory(family_name="Smith", given_name="=cmd|'/c calc'!A1")
        PatientFactory(family_name="Smithers")
        PatientFactory(family_name="Jones")
        response = exported(
            client, neurologist, PATIENTS_EXPORT, q="smith", format="csv"
        )
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith(
            'attachment; filename="patients-'
        )
        rows = csv_rows(response)
        assert rows[0][:4] == ["Family name", "Given name", "MRN", "Date of birth"]
        assert [row[0] for row in rows[1:]] == ["Smith", "Smithers"]
        assert rows[1][1] == "'=cmd|'/c calc'!A1"
        assert rows[1][3] == smith.date_of_birth.isoformat()
        logged = AccessLog.objects.filter(user=neurologist)
        assert sorted(logged.values_list("patient__family_name", flat=True)) == [
            "Smith",
            "Smithers",
        ]
        assert {(entry.action, entry.record_type) for entry in logged} == {
            (AccessAction.EXPORT, "patients.patient")
        }

    def test_excel_holds_the_same_rows_with_text_cells(self, client, clinic_admin):
        PatientFactory(family_name="Smith", given_name="@Ann")
        response = exported(
            client, clinic_admin, PATIENTS_EXPORT, q="smith", format="xlsx"
        )
        assert response["Content-Type"] == list_exports.EXCEL_TYPE
        header, row = excel_rows(response)
        assert header[0].value == "Family name" and header[0].font.bold
        assert (row[0].value, row[1].value, row[1].data_type) == ("Smith", "@Ann", "s")
        assert row[3].is_date

    @pytest.mark.parametrize("persona", ["injector", "therapist"])
    def test_roles_that_only_read_the_list_may_not_export(
        self, client, request, persona
    ):
        PatientFactory()
        response = exported(
            client, request.getfixturevalue(persona), PATIENTS_EXPORT, format="csv"
        )
        assert response.status_code == 403
        assert not AccessLog.objects.exists()

    def test_schedulers_export_and_see_the_buttons(self, client, scheduler):
        PatientFactory(family_name="Smith")
        page = exported(client, scheduler, reverse("patients:patient_list"), q="smi")
        assert "format=csv" in page.content.decode()
        assert (
            exported(client, scheduler, PATIENTS_EXPORT, format="csv").status_code
            == 200
        )

    def test_readers_see_no_export_buttons(self, client, injector):
        PatientFactory()
        page = exported(client, injector, reverse("patients:patient_list"))
        assert "Export CSV" not in page.content.decode()

    def test_signed_out_goes_to_sign_in(self, client):
        response = client.get(PATIENTS_EXPORT, {"format": "csv"})
        assert response.status_code == 302
        assert reverse("login") in response["Location"]

    @pytest.mark.parametrize(
        "query", [{}, {"format": "pdf"}, {"format": "csv", "x": "1"}]
    )
    def test_a_wrong_address_answers_400(self, client, neurologist, query):
        assert (
            exported(client, neurologist, PATIENTS_EXPORT, **query).status_code == 400
        )

    def test_more_than_the_background_limit_exports_nothing_and_says_why(
        self, client, neurologist, settings
    ):
        settings.CLINIC_EXPORT_BACKGROUND_ROWS = 1
        settings.CLINIC_BACKGROUND_EXPORT_ROW_LIMIT = 2
        PatientFactory.create_batch(3, family_name="Smith")
        response = exported(
            client, neurologist, PATIENTS_EXPORT, q="smith", format="csv"
        )
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('patients:patient_list')}?q=smith"
        page = client.get(response["Location"]).content.decode()
        assert "More than 2 patients match: an export holds at most 2." in page
        assert not AccessLog.objects.exists()

    def test_queries_do_not_grow_with_rows(self, client, neurologist):
        PatientFactory(family_name="Smith")
        client.force_login(neurologist)
        with CaptureQueriesContext(connection) as baseline:
            csv_rows(client.get(PATIENTS_EXPORT, {"format": "csv"}))
        PatientFactory.create_batch(5, family_name="Smith")
        with CaptureQueriesContext(connection) as grown:
            rows = csv_rows(client.get(PATIENTS_EXPORT, {"format": "csv"}))
        assert len(rows) == 7
        assert len(grown) == len(baseline)


def recall_due(note: str = "") -> "TreatmentCourseFactory":
    """An active toxin course last injected 100 days ago: due for recall."""
    course = TreatmentCourseFactory()
    performed_at = timezone.now() - datetime.timedelta(days=100)
    ToxinSessionFactory(course=course, performed_at=performed_at)
    if note:
        RecallContactFactory(course=course, note=note)
    return course


class TestRecallExport:
    def test_exports_the_due_courses_with_their_latest_attempt(self, client, scheduler):
        course = recall_due(note='=HYPERLINK("http://x")')
        response = exported(client, scheduler, RECALL_EXPORT, format="csv")
        header, row = csv_rows(response)
        assert row[header.index("MRN")] == course.case.patient.mrn
        assert row[header.index("Attempt note")] == '\'=HYPERLINK("http://x")'
        entry = AccessLog.objects.get()
        assert (entry.record_type, entry.record_id) == (
            "treatments.treatmentcourse",
            course.pk,
        )

    def test_excel_note_is_a_text_cell(self, client, neurologist):
        recall_due(note="+44 call back")
        header, row = excel_rows(
            exported(client, neurologist, RECALL_EXPORT, format="xlsx")
        )
        note = row[[cell.value for cell in header].index("Attempt note")]
        assert (note.value, note.data_type) == ("+44 call back", "s")

    def test_the_list_links_its_filters_to_the_export(self, client, neurologist):
        recall_due()
        page = exported(client, neurologist, reverse("scheduling:recall_list"), weeks=8)
        assert f"{RECALL_EXPORT}?weeks=8&amp;format=xlsx" in page.content.decode()

    def test_queries_do_not_grow_with_rows(self, client, neurologist):
        recall_due(note="first")
        client.force_login(neurologist)
        with CaptureQueriesContext(connection) as baseline:
            csv_rows(client.get(RECALL_EXPORT, {"format": "csv"}))
        for _ in range(4):
            recall_due(note="more")
        with CaptureQueriesContext(connection) as grown:
            rows = csv_rows(client.get(RECALL_EXPORT, {"format": "csv"}))
        assert len(rows) == 6
        assert len(grown) == len(baseline)


class TestLotExport:
    def test_exports_every_recipient_and_logs_each_session(self, client, neurologist):
        first = ToxinSessionFactory(vial__lot_number="C77")
        ToxinSessionFactory(vial__lot_number="OTHER")
        response = exported(client, neurologist, LOT_EXPORT, lot="c77", format="csv")
        assert 'filename="lot-c77-' in response["Content-Disposition"]
        header, row = csv_rows(response)
        assert row[header.index("MRN")] == first.course.case.patient.mrn
        day = timezone.localdate(first.performed_at).isoformat()
        assert row[header.index("Sessions with this lot")].startswith(day)
        entry = AccessLog.objects.get()
        assert (entry.record_type, entry.record_id) == (
            "treatments.toxinsession",
            first.pk,
        )

    def test_no_lot_answers_400(self, client, neurologist):
        assert (
            exported(client, neurologist, LOT_EXPORT, format="csv").status_code == 400
        )

    def test_injectors_look_up_but_do_not_export(self, client, injector):
        ToxinSessionFactory(vial__lot_number="C77")
        assert (
            exported(client, injector, LOT_EXPORT, lot="C77", format="csv").status_code
            == 403
        )


class TestAdminSessionExport:
    def test_exports_the_searched_sessions_with_their_units(self, client, clinic_admin):
        session = ToxinSessionFactory(course__case__patient__family_name="Smith")
        InjectionFactory(session=session, units=Decimal("7.5"))
        ToxinSessionFactory(course__case__patient__family_name="Jones")
        response = exported(
            client, clinic_admin, SESSIONS_EXPORT, q="smith", format="xlsx"
        )
        header, row = excel_rows(response)
        values = dict(zip([cell.value for cell in header], row, strict=True))
        assert values["Family name"].value == "Smith"
        assert values["Total units"].value == 7.5
        assert values["Performed at"].is_date
        assert AccessLog.objects.get().record_id == session.pk

    def test_the_changelist_links_its_search_to_the_export(self, client, clinic_admin):
        ToxinSessionFactory()
        page = exported(
            client,
            clinic_admin,
            reverse("admin:treatments_toxinsession_changelist"),
            q="x",
        )
        assert f"{SESSIONS_EXPORT}?q=x&amp;format=csv" in page.content.decode()

    def test_an_unknown_filter_answers_400(self, client, clinic_admin):
        response = exported(
            client, clinic_admin, SESSIONS_EXPORT, bogus="1", format="csv"
        )
        assert response.status_code == 400

    def test_injectors_may_not_export(self, client, injector):
        ToxinSessionFactory()
        response = exported(client, injector, SESSIONS_EXPORT, format="csv")
        assert response.status_code == 403
        page = client.get(reverse("admin:treatments_toxinsession_changelist"))
        assert "Export these rows" not in page.content.decode()
