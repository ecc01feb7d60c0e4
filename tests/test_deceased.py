"""A patient recorded as deceased leaves the recall list and the waitlist, gets no
reminders, cannot be booked or given care dated after death (through every door),
and the chart says so."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from patients.models import Patient
from scheduling import booking, recall, reminders
from scheduling.models import Appointment, WaitlistEntry
from tests.factories import (
    AppointmentFactory,
    PatientFactory,
    ToxinSessionFactory,
    UserFactory,
    WaitlistEntryFactory,
)
from treatments.models import ToxinSession

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DIED = TODAY - datetime.timedelta(days=10)


def died(patient, on=DIED):
    patient.date_of_death = on
    patient.full_clean()
    patient.save()
    return patient


def local(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class TestRecording:
    def test_a_date_of_death_in_the_future_is_refused(self):
        patient = PatientFactory(date_of_death=TODAY + datetime.timedelta(days=1))
        with pytest.raises(ValidationError) as error:
            patient.full_clean()
        assert error.value.message_dict["date_of_death"] == [
            "The date of death cannot be in the future."
        ]

    def test_a_date_of_death_before_birth_is_refused_by_the_database_too(self):
        patient = PatientFactory()
        patient.date_of_death = patient.date_of_birth - datetime.timedelta(days=1)
        with pytest.raises(ValidationError, match="before the date of birth"):
            patient.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            Patient.objects.filter(pk=patient.pk).update(
                date_of_death=patient.date_of_death
            )

    def test_recorded_on_the_patient_page_with_history(self, client, neurologist):
        patient = PatientFactory()
        client.force_login(neurologist)
        url = reverse("patients:patient_update", args=[patient.pk])
        data = client.get(url).context["form"].initial
        form = {k: v for k, v in data.items() if v is not None}
        form.update(
            date_of_birth=patient.date_of_birth.isoformat(),
            date_of_death=DIED.isoformat(),
            toxin_precautions=[],
            **{
                "guardians-TOTAL_FORMS": "0",
                "guardians-INITIAL_FORMS": "0",
            },
        )
        form.pop("responsible_neurologist", None)

        response = client.post(url, form)

        assert response.status_code == 302, response.context["form"].errors
        patient.refresh_from_db()
        assert patient.date_of_death == DIED
        assert patient.history.first().date_of_death == DIED


class TestChart:
    def test_the_chart_says_so_and_offers_no_booking(self, client, neurologist):
        patient = died(PatientFactory(date_of_birth=datetime.date(1950, 1, 1)))
        client.force_login(neurologist)

        response = client.get(reverse("patient_chart", args=[patient.pk]))

        content = response.content.decode()
        assert "Deceased" in content
        assert f"died {DIED:%d %b %Y} aged {patient.age_on(DIED)}" in content
        assert (
            f"Died on {DIED:%d %b %Y}: no recall, reminders or new bookings."
            in response.context["alerts"]
        )
        assert "Book appointment" not in content

    def test_no_next_toxin_session_is_planned(self, client, neurologist):
        session = ToxinSessionFactory(
            performed_at=local(DIED - datetime.timedelta(days=20))
        )
        patient = died(session.course.case.patient)
        client.force_login(neurologist)

        response = client.get(reverse("patient_chart", args=[patient.pk]))

        assert not any("should not be before" in a for a in response.context["alerts"])

    def test_visits_still_booked_after_death_are_pointed_out(self, client, scheduler):
        patient = PatientFactory()
        AppointmentFactory(
            patient=patient, starts_at=local(TODAY + datetime.timedelta(days=5))
        )
        died(patient)
        client.force_login(scheduler)

        response = client.get(reverse("patient_chart", args=[patient.pk]))

        assert (
            "1 visit(s) still booked after the date of death: cancel them from "
            "their appointment pages." in response.context["alerts"]
        )


class TestRecallAndReminders:
    def test_a_due_course_leaves_the_recall_list(self, client, scheduler):
        session = ToxinSessionFactory(
            performed_at=local(TODAY - datetime.timedelta(days=120))
        )
        patient = session.course.case.patient
        assert list(recall.due_courses(today=TODAY)) == [session.course]

        died(patient)

        assert list(recall.due_courses(today=TODAY)) == []
        client.force_login(scheduler)
        page = client.get(reverse("scheduling:recall_list")).content.decode()
        assert patient.family_name not in page

    def test_no_reminder_is_due(self):
        patient = PatientFactory(
            reminder_consent=True, reminder_channel="email", email="p@example.org"
        )
        AppointmentFactory(patient=patient, starts_at=timezone.now() + _hours(30))
        now = timezone.now()
        assert len(reminders.due_appointments(now=now, days=2)) == 1

        patient.date_of_death = TODAY
        patient.save()

        assert list(reminders.due_appointments(now=now, days=2)) == []


def _hours(count: int) -> datetime.timedelta:
    return datetime.timedelta(hours=count)


class TestBooking:
    def test_the_service_refuses_a_visit_after_death(self):
        patient = died(PatientFactory())
        with pytest.raises(ValidationError) as error:
            booking.book_series(
                patient=patient,
                clinician=UserFactory(roles=["Neurologist"]),
                first_starts_at=local(TODAY + datetime.timedelta(days=3)),
                kind="follow_up",
                booked_by=UserFactory(),
            )
        assert error.value.message_dict["starts_at"] == [
            f"This is after the patient's death on {DIED:%d %b %Y}."
        ]
        assert not Appointment.objects.exists()

    def test_a_visit_booked_before_the_death_is_cancelled_not_moved(self):
        patient = PatientFactory()
        visit = AppointmentFactory(
            patient=patient, starts_at=local(TODAY + datetime.timedelta(days=5))
        )
        died(patient)
        by = UserFactory()
        with pytest.raises(ValidationError, match="after the patient's death"):
            booking.reschedule(visit, starts_at=visit.starts_at + _hours(24), by=by)

        booking.cancel(visit, reason="The patient died.", by=by)

        visit.refresh_from_db()
        assert visit.status == "cancelled"

    @pytest.mark.parametrize(
        "name", ["scheduling:appointment_book", "scheduling:waitlist_create"]
    )
    def test_the_pages_send_back_to_the_chart_saying_why(self, client, scheduler, name):
        patient = died(PatientFactory())
        client.force_login(scheduler)
        url = f"{reverse(name)}?patient={patient.pk}"

        for response in (client.get(url), client.post(url, {"kind": "follow_up"})):
            assert response.status_code == 302
            assert response["Location"] == reverse("patient_chart", args=[patient.pk])
        messages = [str(m) for m in response.wsgi_request._messages]
        assert f"died on {DIED:%d %b %Y}: no visit is booked for them." in messages[0]
        assert not Appointment.objects.exists() and not WaitlistEntry.objects.exists()

    def test_finding_the_patient_to_book_leaves_them_out(self, client, scheduler):
        patient = died(PatientFactory(family_name="Lastone"))
        PatientFactory(family_name="Lastone")
        client.force_login(scheduler)

        response = client.get(reverse("scheduling:appointment_book"), {"q": "Lastone"})

        assert patient not in response.context["found"]
        assert len(response.context["found"]) == 1


class TestWaitlist:
    def test_an_entry_is_refused_in_the_admin(self, client, clinic_admin):
        patient = died(PatientFactory())
        client.force_login(clinic_admin)

        response = client.post(
            reverse("admin:scheduling_waitlistentry_add"),
            {
                "patient": patient.pk,
                "kind": "toxin_session",
                "wanted_from": TODAY.isoformat(),
                "is_active": "on",
            },
        )

        assert response.status_code == 200
        assert "nobody waits for a slot for them" in response.content.decode()
        assert not WaitlistEntry.objects.exists()

    def test_an_earlier_entry_leaves_the_list_and_the_freed_slot(
        self, client, scheduler
    ):
        entry = WaitlistEntryFactory(kind="follow_up")
        freed = AppointmentFactory(
            kind="follow_up",
            starts_at=local(TODAY + datetime.timedelta(days=2)),
            status="cancelled",
            cancel_reason="Unwell.",
        )
        assert list(booking.waitlist_for_freed_slot(freed)) == [entry]

        died(entry.patient)

        assert list(booking.waitlist_for_freed_slot(freed)) == []
        client.force_login(scheduler)
        listed = client.get(reverse("scheduling:waitlist_list")).context["rows"]
        assert listed == []


class TestCareAfterDeath:
    def test_a_toxin_session_after_death_is_refused(self):
        session = ToxinSessionFactory.build(
            course=ToxinSessionFactory().course,
            performed_at=local(DIED + datetime.timedelta(days=1)),
        )
        died(session.course.case.patient)
        with pytest.raises(ValidationError) as error:
            session.full_clean()
        assert (
            "after the patient's death" in error.value.message_dict["performed_at"][0]
        )

    def test_a_session_given_before_death_is_kept_and_valid(self):
        session = ToxinSessionFactory(performed_at=local(DIED - datetime.timedelta(1)))
        died(session.course.case.patient)
        ToxinSession.objects.get(pk=session.pk).full_clean()
