"""The lot look-up: every patient who received a lot, with their next appointment,
to contact them after a lot recall."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scheduling.models import AppointmentStatus
from tests.factories import AppointmentFactory, PatientFactory, ToxinSessionFactory

pytestmark = pytest.mark.django_db

LOCAL = datetime.timezone(datetime.timedelta(0))  # Europe/London in winter is UTC


@pytest.fixture(autouse=True)
def london(settings):
    """The wall-clock times below are written for a clinic in Europe/London."""
    settings.TIME_ZONE = "Europe/London"


def local(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=LOCAL)


class TestLotLookup:
    URL = reverse("scheduling:lot_lookup")

    @pytest.mark.parametrize("persona", ["neurologist", "clinic_admin", "injector"])
    def test_clinical_roles_may_look_up(self, client, request, persona):
        client.force_login(request.getfixturevalue(persona))
        assert client.get(self.URL).status_code == 200

    def test_finds_every_patient_who_received_the_lot(self, client, neurologist):
        received = PatientFactory(
            family_name="Received",
            phone="01632 960123",
            email="received@example.org",
            reminder_consent=True,
            reminder_channel="sms",
        )
        ToxinSessionFactory(
            course__case__patient=received,
            vial__lot_number="C1234C3",
            performed_at=local("2026-02-10T10:00"),
        )
        AppointmentFactory(
            patient=received,
            starts_at=timezone.now() + datetime.timedelta(days=20),
            status=AppointmentStatus.CONFIRMED,
        )
        soonest = AppointmentFactory(
            patient=received, starts_at=timezone.now() + datetime.timedelta(days=10)
        )
        AppointmentFactory(
            patient=received,
            starts_at=timezone.now() + datetime.timedelta(days=5),
            status=AppointmentStatus.CANCELLED,
            cancel_reason="Unwell.",
        )
        ToxinSessionFactory(
            course__case__patient__family_name="Other", vial__lot_number="X9"
        )
        ToxinSessionFactory(
            course__case__patient__family_name="Erroneous",
            vial__lot_number="c1234c3",
            entered_in_error=True,
            entered_in_error_reason="Wrong lot charted.",
        )
        client.force_login(neurologist)
        response = client.get(self.URL, {"lot": "c1234C3"})
        html = response.content.decode()
        rows = response.context["rows"]
        assert [row.patient.family_name for row in rows] == ["Received"]
        assert rows[0].next_appointment == soonest
        for text in [
            "01632 960123",
            "received@example.org",
            "Text message",
            "10 Feb 2026",
            "onabotulinumtoxinA (Botox)",
        ]:
            assert text in html, text
        assert "Erroneous" not in html and "Other" not in html

    def test_past_appointments_are_not_next(self, client, neurologist):
        session = ToxinSessionFactory(vial__lot_number="C1")
        AppointmentFactory(
            patient=session.course.case.patient,
            starts_at=timezone.now() - datetime.timedelta(days=1),
        )
        client.force_login(neurologist)
        response = client.get(self.URL, {"lot": "C1"})
        assert response.context["rows"][0].next_appointment is None
        assert "none booked" in response.content.decode()

    def test_no_match_says_so(self, client, neurologist):
        client.force_login(neurologist)
        response = client.get(self.URL, {"lot": "NOPE"})
        assert "No patient received lot NOPE" in response.content.decode()

    def test_query_count_does_not_grow_with_rows(self, client, neurologist):
        def received(count):
            for _ in range(count):
                session = ToxinSessionFactory(vial__lot_number="C777")
                AppointmentFactory(patient=session.course.case.patient)

        received(1)
        client.force_login(neurologist)
        with CaptureQueriesContext(connection) as baseline:
            client.get(self.URL, {"lot": "C777"})
        received(4)
        with CaptureQueriesContext(connection) as grown:
            response = client.get(self.URL, {"lot": "C777"})
        assert len(response.context["rows"]) == 5
        assert len(grown) == len(baseline)

    def test_one_row_per_patient_with_each_session_of_the_lot(
        self, client, neurologist
    ):
        first = ToxinSessionFactory(
            vial__lot_number="L5", performed_at=local("2025-11-03T10:00")
        )
        again = ToxinSessionFactory(
            course=first.course,
            vial__lot_number="L5",
            performed_at=local("2026-02-09T10:00"),
        )
        ToxinSessionFactory(vial__lot_number="L5")
        client.force_login(neurologist)
        response = client.get(self.URL, {"lot": "L5"})
        rows = response.context["rows"]
        assert len(rows) == 2
        mine = next(row for row in rows if row.patient == first.course.case.patient)
        assert mine.sessions == [first, again]
        assert "2 patients received lot" in response.content.decode()
        assert "(3 sessions;" in response.content.decode()

    def test_patients_come_a_page_at_a_time(self, client, neurologist, settings):
        for number in range(52):
            ToxinSessionFactory(
                vial__lot_number="P1",
                course__case__patient__family_name=f"P{number:02}",
            )
        client.force_login(neurologist)
        first = client.get(self.URL, {"lot": "P1"})
        second = client.get(self.URL, {"lot": "P1", "page": 2})
        names = [row.patient.family_name for row in first.context["rows"]]
        names += [row.patient.family_name for row in second.context["rows"]]
        assert names == [f"P{number:02}" for number in range(52)]
        assert len(first.context["rows"]) == 50
        assert "52 patients received lot" in first.content.decode()

    def test_patients_are_in_name_order_whatever_the_case(self, client, neurologist):
        """The order is by the names' upper case, so "van Dyke" sorts among the
        Vs, not after every capitalised name as a byte order would put it."""
        for family, given in [
            ("Walsh", "Ann"),
            ("van Dyke", "Ben"),
            ("Usher", "Cal"),
            ("VAN DYKE", "Abe"),
        ]:
            ToxinSessionFactory(
                vial__lot_number="N1",
                course__case__patient__family_name=family,
                course__case__patient__given_name=given,
            )
        client.force_login(neurologist)
        response = client.get(self.URL, {"lot": "N1"})
        names = [
            (row.patient.family_name, row.patient.given_name)
            for row in response.context["rows"]
        ]
        assert names == [
            ("Usher", "Cal"),
            ("VAN DYKE", "Abe"),
            ("van Dyke", "Ben"),
            ("Walsh", "Ann"),
        ]
