"""The booking service: clashes, series, the earliest safe date of a toxin session,
cancelling, rescheduling and status changes; on PostgreSQL, the database's own
refusal of overlapping appointments and a race for one slot."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from clinic.overrides import digest_of
from scheduling import booking, booking_checks
from scheduling.clinic_time import clinic_datetime
from scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    WaitlistEntry,
)
from tests.factories import (
    AppointmentFactory,
    PatientFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
    UserFactory,
    WaitlistEntryFactory,
)
from tests.treatments.charting_posts import session_data

pytestmark = pytest.mark.django_db

CANCELLED = AppointmentStatus.CANCELLED
NO_SHOW = AppointmentStatus.NO_SHOW
TOXIN = AppointmentKind.TOXIN_SESSION
FOLLOW_UP = AppointmentKind.FOLLOW_UP
only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="exclusion constraints: PostgreSQL"
)


@pytest.fixture(autouse=True)
def london(settings):
    settings.TIME_ZONE = "Europe/London"


def at(text: str) -> datetime.datetime:
    """A clinic wall-clock time, "2027-02-01 10:00"."""
    moment = datetime.datetime.fromisoformat(text)
    return clinic_datetime(moment.date(), moment.time())


@pytest.fixture
def clinician():
    return UserFactory(first_name="Ada", last_name="Injector")


@pytest.fixture
def patient():
    return PatientFactory(given_name="Maria", family_name="Booked")


def book(patient, clinician, booked_by, starts="2027-02-01 10:00", **kwargs):
    kwargs.setdefault("kind", FOLLOW_UP)
    kwargs.setdefault("minutes", 30)
    [appointment] = booking.book_series(
        patient=patient,
        clinician=clinician,
        first_starts_at=at(starts),
        booked_by=booked_by,
        **kwargs,
    )
    return appointment


def refusal(excinfo) -> str:
    return " ".join(excinfo.value.messages)


class TestClashes:
    def test_it_books_with_the_usual_length_of_the_kind(
        self, settings, patient, clinician, scheduler
    ):
        settings.CLINIC_APPOINTMENT_MINUTES = {**settings.CLINIC_APPOINTMENT_MINUTES}
        settings.CLINIC_APPOINTMENT_MINUTES["new_patient"] = 45
        appointment = book(
            patient,
            clinician,
            scheduler,
            kind=AppointmentKind.NEW_PATIENT,
            minutes=None,
        )
        assert appointment.ends_at - appointment.starts_at == datetime.timedelta(
            minutes=45
        )
        assert appointment.status == AppointmentStatus.BOOKED
        assert appointment.history.get().history_user == scheduler

    def test_clinician_booked_twice_is_refused_with_the_clashing_time(
        self, patient, clinician, scheduler
    ):
        other = PatientFactory(given_name="Olga", family_name="Otherpatient")
        book(other, clinician, scheduler, "2027-02-01 10:00")
        with pytest.raises(ValidationError) as excinfo:
            book(patient, clinician, scheduler, "2027-02-01 10:15")
        message = refusal(excinfo)
        assert message == (
            "Ada Injector already has an appointment Mon 01 Feb 2027 10:00–10:30."
        )
        assert "Otherpatient" not in message and "Olga" not in message
        assert excinfo.value.error_dict.keys() == {"starts_at"}
        assert Appointment.objects.filter(patient=patient).count() == 0

    def test_patient_with_two_overlapping_appointments_is_refused(
        self, patient, clinician, scheduler
    ):
        book(patient, UserFactory(), scheduler, "2027-02-01 10:00")
        with pytest.raises(ValidationError) as excinfo:
            book(patient, clinician, scheduler, "2027-02-01 09:45")
        assert refusal(excinfo) == (
            "The patient already has an appointment Mon 01 Feb 2027 10:00–10:30."
        )

    def test_the_same_booking_twice_says_it_is_already_booked(
        self, patient, clinician, scheduler
    ):
        first = book(patient, clinician, scheduler)
        with pytest.raises(ValidationError, match="already booked with Ada Injector"):
            book(patient, clinician, scheduler)
        assert (
            booking_checks.same_booking(
                patient=patient,
                clinician=clinician,
                kind=FOLLOW_UP,
                starts_at=first.starts_at,
            )
            == first
        )

    def test_adjacent_slots_are_allowed(self, patient, clinician, scheduler):
        book(PatientFactory(), clinician, scheduler, "2027-02-01 09:30")
        book(PatientFactory(), clinician, scheduler, "2027-02-01 10:30")
        book(patient, clinician, scheduler, "2027-02-01 10:00")
        assert Appointment.objects.filter(clinician=clinician).count() == 3

    @pytest.mark.parametrize("status", [CANCELLED, NO_SHOW])
    def test_cancelled_and_missed_appointments_free_the_slot(
        self, patient, clinician, scheduler, status
    ):
        AppointmentFactory(
            clinician=clinician,
            patient=patient,
            starts_at=at("2027-02-01 10:00"),
            status=status,
            cancel_reason="Unwell." if status == CANCELLED else "",
        )
        assert book(PatientFactory(), clinician, scheduler).pk
        assert book(patient, UserFactory(), scheduler).pk

    def test_a_length_under_a_minute_is_refused(self, patient, clinician, scheduler):
        with pytest.raises(ValidationError) as excinfo:
            book(patient, clinician, scheduler, minutes=0)
        assert excinfo.value.error_dict.keys() == {"minutes"}


class TestSeries:
    def test_each_occurrence_is_a_row_sharing_the_series_at_the_same_clock_time(
        self, patient, clinician, scheduler
    ):
        course = TreatmentCourseFactory(case__patient=patient)
        booked = booking.book_series(
            patient=patient,
            clinician=clinician,
            course=course,
            first_starts_at=at("2027-01-04 10:00"),
            count=3,
            interval_days=91,
            booked_by=scheduler,
        )
        assert len({appointment.pk for appointment in booked}) == 3
        assert {appointment.series for appointment in booked} == {booked[0].series}
        assert booked[0].series is not None
        # April and July are summer time: still 10:00 on the clinic's clocks.
        assert [timezone.localtime(a.starts_at) for a in booked] == [
            at("2027-01-04 10:00"),
            at("2027-04-05 10:00"),
            at("2027-07-05 10:00"),
        ]
        assert all(a.kind == TOXIN and a.course == course for a in booked)

    def test_one_occurrence_is_no_series(self, patient, clinician, scheduler):
        [appointment] = booking.book_series(
            patient=patient,
            clinician=clinician,
            first_starts_at=at("2027-01-04 10:00"),
            booked_by=scheduler,
        )
        assert appointment.series is None
        assert appointment.kind == TOXIN
        assert appointment.course is None

    def test_the_interval_defaults_to_the_course_plan(
        self, patient, clinician, scheduler
    ):
        course = TreatmentCourseFactory(case__patient=patient, planned_interval_days=98)
        booked = booking.book_series(
            patient=patient,
            clinician=clinician,
            course=course,
            first_starts_at=at("2027-01-04 10:00"),
            count=2,
            booked_by=scheduler,
        )
        assert booked[1].starts_at == at("2027-04-12 10:00")

    def test_one_clash_books_nothing(self, patient, clinician, scheduler):
        course = TreatmentCourseFactory(case__patient=patient)
        book(PatientFactory(), clinician, scheduler, "2027-07-05 10:15")
        with pytest.raises(ValidationError) as excinfo:
            booking.book_series(
                patient=patient,
                clinician=clinician,
                course=course,
                first_starts_at=at("2027-01-04 10:00"),
                count=3,
                interval_days=91,
                booked_by=scheduler,
            )
        assert "Mon 05 Jul 2027 10:15–10:45" in refusal(excinfo)
        assert not Appointment.objects.filter(patient=patient).exists()

    def test_an_occurrence_at_a_time_the_clocks_skip_is_refused(
        self, patient, clinician, scheduler
    ):
        course = TreatmentCourseFactory(case__patient=patient)
        with pytest.raises(ValidationError, match="does not exist"):
            booking.book_series(
                patient=patient,
                clinician=clinician,
                course=course,
                # 28 March 2027: the clocks go from 01:00 to 02:00.
                first_starts_at=at("2026-12-28 01:30"),
                count=2,
                interval_days=90,
                booked_by=scheduler,
            )
        assert not Appointment.objects.exists()


@pytest.fixture
def series(patient, clinician, scheduler):
    course = TreatmentCourseFactory(case__patient=patient)
    return booking.book_series(
        patient=patient,
        clinician=clinician,
        course=course,
        first_starts_at=at("2027-01-04 10:00"),
        count=4,
        interval_days=91,
        booked_by=scheduler,
    )


def statuses(appointments) -> list[str]:
    return [
        Appointment.objects.get(pk=appointment.pk).status
        for appointment in appointments
    ]


class TestCancelAndReschedule:
    def test_cancel_needs_a_reason(self, series, scheduler):
        with pytest.raises(ValidationError) as excinfo:
            booking.cancel(series[0], reason="  ", by=scheduler)
        assert excinfo.value.error_dict.keys() == {"reason"}

    def test_cancel_this_one_leaves_the_rest(self, series, scheduler):
        booking.cancel(series[1], reason="Away.", by=scheduler)
        assert statuses(series) == ["booked", "cancelled", "booked", "booked"]

    def test_cancel_this_and_following_leaves_the_earlier_ones(self, series, scheduler):
        cancelled = booking.cancel(
            series[1], reason="Moving away.", by=scheduler, this_and_following=True
        )
        assert [a.pk for a in cancelled] == [a.pk for a in series[1:]]
        assert statuses(series) == ["booked", "cancelled", "cancelled", "cancelled"]
        assert Appointment.objects.get(pk=series[3].pk).cancel_reason == (
            "Moving away."
        )

    def test_a_cancelled_appointment_cannot_be_cancelled_again(self, series, scheduler):
        booking.cancel(series[0], reason="Away.", by=scheduler)
        with pytest.raises(ValidationError, match="cancelled appointment cannot"):
            booking.cancel(series[0], reason="Again.", by=scheduler)

    def test_reschedule_this_and_following_moves_the_later_ones_as_far(
        self, series, scheduler
    ):
        moved = booking.reschedule(
            series[1],
            starts_at=at("2027-04-07 14:00"),  # two days and four hours later
            by=scheduler,
            this_and_following=True,
        )
        assert len(moved) == 3
        starts = [
            timezone.localtime(Appointment.objects.get(pk=a.pk).starts_at)
            for a in series
        ]
        assert starts == [
            at("2027-01-04 10:00"),
            at("2027-04-07 14:00"),
            at("2027-07-07 14:00"),
            at("2027-10-06 14:00"),
        ]

    @pytest.mark.parametrize("days", [91, -91])
    def test_a_series_moved_by_exactly_its_interval(self, series, scheduler, days):
        # Each row takes the place another leaves; on PostgreSQL the rows are
        # saved in an order in which none meets another's old place.
        first = at("2027-01-04 10:00") + datetime.timedelta(days=days)
        booking.reschedule(
            series[0], starts_at=first, by=scheduler, this_and_following=True
        )
        starts = [Appointment.objects.get(pk=a.pk).starts_at for a in series]
        assert starts == [
            clinic_datetime(
                (
                    timezone.localtime(a.starts_at) + datetime.timedelta(days=days)
                ).date(),
                datetime.time(10, 0),
            )
            for a in series
        ]

    def test_reschedule_this_one_only(self, series, scheduler):
        booking.reschedule(
            series[1], starts_at=at("2027-04-06 09:00"), minutes=45, by=scheduler
        )
        row = Appointment.objects.get(pk=series[1].pk)
        assert (row.starts_at, row.ends_at) == (
            at("2027-04-06 09:00"),
            at("2027-04-06 09:45"),
        )
        assert Appointment.objects.get(pk=series[2].pk).starts_at == at(
            "2027-07-05 10:00"
        )

    def test_an_appointment_may_move_over_its_own_old_time(
        self, patient, clinician, scheduler
    ):
        appointment = book(patient, clinician, scheduler, "2027-02-01 10:00")
        booking.reschedule(appointment, starts_at=at("2027-02-01 10:15"), by=scheduler)
        assert Appointment.objects.get(pk=appointment.pk).starts_at == at(
            "2027-02-01 10:15"
        )

    def test_reschedule_onto_another_booking_is_refused(
        self, patient, clinician, scheduler
    ):
        appointment = book(patient, clinician, scheduler, "2027-02-01 10:00")
        book(PatientFactory(), clinician, scheduler, "2027-02-01 11:00")
        with pytest.raises(ValidationError, match="already has an appointment"):
            booking.reschedule(
                appointment, starts_at=at("2027-02-01 10:45"), by=scheduler
            )
        assert Appointment.objects.get(pk=appointment.pk).starts_at == at(
            "2027-02-01 10:00"
        )


class TestEarliestSafeDate:
    @pytest.fixture
    def last_session(self, patient):
        return ToxinSessionFactory(
            course__case__patient=patient, performed_at=at("2026-11-02 10:00")
        )

    def book_toxin(self, patient, clinician, by, day, **kwargs):
        return book(patient, clinician, by, f"{day} 10:00", kind=TOXIN, **kwargs)

    def test_83_days_after_the_last_session_warns_with_the_numbers(
        self, patient, last_session
    ):
        # 2 Nov 2026 + 83 days = 24 Jan 2027.
        def warning(day):
            [warning] = booking_checks.interval_warnings(
                patient=patient, kind=TOXIN, starts=[at(f"{day} 10:00")]
            )
            return warning

        assert warning("2027-01-24") == (
            "A toxin session on 24 Jan 2027 is 83 days after the last toxin session "
            "on 02 Nov 2026: the earliest safe date is 25 Jan 2027 (84 days). "
            "Injecting more often risks loss of response."
        )
        assert warning("2027-01-25") is None

    def test_other_kinds_never_warn(self, patient, last_session):
        assert booking_checks.interval_warnings(
            patient=patient, kind=FOLLOW_UP, starts=[at("2026-11-03 10:00")]
        ) == [None]

    def test_sessions_entered_in_error_do_not_count(self, patient, last_session):
        last_session.entered_in_error = True
        last_session.entered_in_error_reason = "Wrong patient."
        last_session.save()
        assert booking_checks.interval_warnings(
            patient=patient, kind=TOXIN, starts=[at("2026-12-01 10:00")]
        ) == [None]

    def test_a_toxin_session_already_booked_counts(self, patient, clinician):
        AppointmentFactory(
            patient=patient, kind=TOXIN, starts_at=at("2027-01-04 09:00")
        )
        [warning] = booking_checks.interval_warnings(
            patient=patient, kind=TOXIN, starts=[at("2027-02-01 10:00")]
        )
        assert "28 days after the toxin session booked on 04 Jan 2027" in warning

    def test_a_scheduler_cannot_book_before_it(
        self, patient, clinician, scheduler, last_session
    ):
        with pytest.raises(ValidationError) as excinfo:
            self.book_toxin(
                patient, clinician, scheduler, "2027-01-24", override_reason="Asked."
            )
        assert "83 days after the last toxin session" in refusal(excinfo)
        assert booking_checks.NEEDS_NEUROLOGIST in refusal(excinfo)
        assert not Appointment.objects.exists()

    def test_84_days_after_needs_no_override(
        self, patient, clinician, scheduler, last_session
    ):
        appointment = self.book_toxin(patient, clinician, scheduler, "2027-01-25")
        assert appointment.overridden_by is None

    def test_a_neurologist_overrides_with_a_reason_kept_on_the_appointment(
        self, patient, clinician, neurologist, last_session
    ):
        appointment = self.book_toxin(
            patient,
            clinician,
            neurologist,
            "2027-01-24",
            override_reason="Away for a month from 25 Jan.",
        )
        appointment.refresh_from_db()
        assert appointment.overridden_by == neurologist
        assert appointment.override_reason == "Away for a month from 25 Jan."
        assert appointment.overridden_at is not None

    def test_the_override_needs_a_reason(
        self, patient, clinician, neurologist, last_session
    ):
        with pytest.raises(ValidationError) as excinfo:
            self.book_toxin(patient, clinician, neurologist, "2027-01-24")
        assert excinfo.value.error_dict.keys() == {"override_reason"}

    def test_the_refusal_carries_the_warnings_for_the_page(
        self, patient, clinician, scheduler, neurologist, last_session
    ):
        with pytest.raises(booking_checks.OverrideRequired) as excinfo:
            self.book_toxin(patient, clinician, scheduler, "2027-01-24")
        [warning] = excinfo.value.warnings
        assert "83 days after the last toxin session" in warning
        assert excinfo.value.may_override is False
        with pytest.raises(booking_checks.OverrideRequired) as excinfo:
            self.book_toxin(patient, clinician, neurologist, "2027-01-24")
        assert excinfo.value.warnings == [warning]
        assert excinfo.value.may_override is True

    def test_an_override_covers_only_the_warnings_shown(
        self, patient, clinician, neurologist, last_session
    ):
        [shown] = booking_checks.interval_warnings(
            patient=patient, kind=TOXIN, starts=[at("2027-01-24 10:00")]
        )
        with pytest.raises(booking_checks.OverrideRequired) as excinfo:
            self.book_toxin(
                patient,
                clinician,
                neurologist,
                "2027-01-20",
                override_reason="Travel.",
                shown_warnings_digest=digest_of([shown]),
            )
        assert excinfo.value.error_dict.keys() == {"starts_at"}
        assert not Appointment.objects.exists()
        appointment = self.book_toxin(
            patient,
            clinician,
            neurologist,
            "2027-01-24",
            override_reason="Travel.",
            shown_warnings_digest=digest_of([shown]),
        )
        assert appointment.overridden_by == neurologist

    def test_a_series_warns_for_its_own_short_intervals(
        self, patient, clinician, scheduler
    ):
        course = TreatmentCourseFactory(case__patient=patient, planned_interval_days=70)
        with pytest.raises(ValidationError, match="70 days after the previous"):
            booking.book_series(
                patient=patient,
                clinician=clinician,
                course=course,
                first_starts_at=at("2027-01-04 10:00"),
                count=2,
                booked_by=scheduler,
            )

    def test_an_overridden_appointment_moves_later_without_a_new_override(
        self, patient, clinician, neurologist, scheduler, last_session
    ):
        appointment = self.book_toxin(
            patient, clinician, neurologist, "2027-01-20", override_reason="Travel."
        )
        booking.reschedule(appointment, starts_at=at("2027-01-22 10:00"), by=scheduler)
        with pytest.raises(ValidationError, match="must override"):
            booking.reschedule(
                appointment, starts_at=at("2027-01-10 10:00"), by=scheduler
            )


class TestStatus:
    def test_arrived_then_completed(self, scheduler):
        appointment = AppointmentFactory(starts_at=timezone.now())
        booking.set_status(appointment, status="arrived", by=scheduler)
        booking.set_status(appointment, status="completed", by=scheduler)
        assert Appointment.objects.get(pk=appointment.pk).status == "completed"

    @pytest.mark.parametrize(
        ("start", "wanted"),
        [("completed", "arrived"), ("cancelled", "arrived"), ("no_show", "booked")],
    )
    def test_moves_that_make_no_sense_are_refused(self, scheduler, start, wanted):
        appointment = AppointmentFactory(status=start, cancel_reason="Unwell.")
        with pytest.raises(ValidationError, match="cannot be marked"):
            booking.set_status(appointment, status=wanted, by=scheduler)

    def test_no_show_only_once_the_appointment_has_started(self, scheduler):
        future = AppointmentFactory()
        with pytest.raises(ValidationError, match="has not started"):
            booking.set_status(future, status="no_show", by=scheduler)
        started = AppointmentFactory(
            starts_at=timezone.now() - datetime.timedelta(minutes=10)
        )
        booking.set_status(started, status="no_show", by=scheduler)
        assert Appointment.objects.get(pk=started.pk).status == "no_show"


class TestChartedSessionCompletesTheAppointment:
    def test_the_booked_toxin_appointment_that_day_is_completed(self, client):
        injector = UserFactory(roles=["Injector"])
        course = TreatmentCourseFactory()
        patient = course.case.patient
        booked = AppointmentFactory(
            patient=patient, kind=TOXIN, starts_at=at("2026-03-02 09:45")
        )
        other_day = AppointmentFactory(
            patient=patient, kind=TOXIN, starts_at=at("2026-03-03 09:45")
        )
        follow_up = AppointmentFactory(
            patient=patient, kind=FOLLOW_UP, starts_at=at("2026-03-02 11:00")
        )
        client.force_login(injector)
        response = client.post(
            reverse("treatments:toxinsession_create", args=[course.pk]),
            session_data(injector),  # performed 2 Mar 2026 10:00
        )
        assert response.status_code == 302
        assert statuses([booked, other_day, follow_up]) == [
            "completed",
            "booked",
            "booked",
        ]
        assert Appointment.objects.get(pk=booked.pk).course == course

    def test_it_completes_an_appointment_once(self):
        session = ToxinSessionFactory()
        booked = AppointmentFactory(
            patient=session.course.case.patient,
            kind=TOXIN,
            starts_at=session.performed_at,
        )
        assert booking.complete_for_toxin_session(session) == booked
        assert statuses([booked]) == ["completed"]
        assert booking.complete_for_toxin_session(session) is None

    def test_an_appointment_for_another_course_is_left(self):
        session = ToxinSessionFactory()
        AppointmentFactory(
            patient=session.course.case.patient,
            kind=TOXIN,
            starts_at=session.performed_at,
            course=TreatmentCourseFactory(case=session.course.case),
        )
        assert booking.complete_for_toxin_session(session) is None


class TestWaitlist:
    @pytest.fixture
    def freed(self, clinician):
        return AppointmentFactory(
            clinician=clinician,
            kind=TOXIN,
            starts_at=at("2027-02-10 10:00"),
            status=CANCELLED,
            cancel_reason="Unwell.",
        )

    def test_entries_that_fit_the_freed_slot(self, freed, clinician):
        fits = [
            WaitlistEntryFactory(wanted_from=datetime.date(2027, 2, 1)),
            WaitlistEntryFactory(
                wanted_from=datetime.date(2027, 2, 10),
                wanted_until=datetime.date(2027, 2, 10),
                clinician=clinician,
            ),
        ]
        WaitlistEntryFactory(wanted_from=datetime.date(2027, 2, 11))  # too late
        WaitlistEntryFactory(
            wanted_from=datetime.date(2027, 1, 1),
            wanted_until=datetime.date(2027, 2, 9),  # too early
        )
        WaitlistEntryFactory(kind=FOLLOW_UP, wanted_from=datetime.date(2027, 2, 1))
        WaitlistEntryFactory(
            clinician=UserFactory(), wanted_from=datetime.date(2027, 2, 1)
        )
        WaitlistEntryFactory(is_active=False, wanted_from=datetime.date(2027, 2, 1))
        WaitlistEntryFactory(
            patient=freed.patient, wanted_from=datetime.date(2027, 2, 1)
        )
        assert list(booking.waitlist_for_freed_slot(freed)) == fits

    def test_booking_from_an_entry_ends_it(self, patient, clinician, scheduler):
        entry = WaitlistEntryFactory(patient=patient)
        book(patient, clinician, scheduler, kind=TOXIN, waitlist_entry=entry)
        entry.refresh_from_db()
        assert entry.is_active is False

    def test_an_entry_of_another_patient_is_refused(
        self, patient, clinician, scheduler
    ):
        entry = WaitlistEntryFactory()
        with pytest.raises(ValidationError, match="another patient"):
            book(patient, clinician, scheduler, kind=TOXIN, waitlist_entry=entry)
        assert WaitlistEntry.objects.get(pk=entry.pk).is_active is True
        assert not Appointment.objects.exists()


# PostgreSQL: the exclusion constraints of migration 0009.


def create(**kwargs) -> Appointment:
    """Straight to the database, past the service's check."""
    starts_at = kwargs.pop("starts_at")
    return Appointment.objects.create(
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=30),
        kind=FOLLOW_UP,
        **kwargs,
    )


@only_postgresql
class TestDatabaseRefusesOverlaps:
    def test_a_clinician_booked_twice(self, clinician):
        create(
            patient=PatientFactory(),
            clinician=clinician,
            starts_at=at("2027-02-01 10:00"),
        )
        with pytest.raises(IntegrityError, match=booking_checks.CLINICIAN_NO_OVERLAP):
            with transaction.atomic():
                create(
                    patient=PatientFactory(),
                    clinician=clinician,
                    starts_at=at("2027-02-01 10:29"),
                )

    def test_a_patient_booked_twice(self, patient):
        create(
            patient=patient, clinician=UserFactory(), starts_at=at("2027-02-01 10:00")
        )
        with pytest.raises(IntegrityError, match=booking_checks.PATIENT_NO_OVERLAP):
            with transaction.atomic():
                create(
                    patient=patient,
                    clinician=UserFactory(),
                    starts_at=at("2027-02-01 09:31"),
                )

    def test_adjacent_appointments_are_allowed(self, clinician):
        for start in ("2027-02-01 09:30", "2027-02-01 10:30", "2027-02-01 10:00"):
            create(patient=PatientFactory(), clinician=clinician, starts_at=at(start))
        assert Appointment.objects.count() == 3

    @pytest.mark.parametrize("status", [CANCELLED, NO_SHOW])
    def test_a_freed_slot_can_be_booked_again(self, clinician, status):
        create(
            patient=PatientFactory(),
            clinician=clinician,
            starts_at=at("2027-02-01 10:00"),
            status=status,
            cancel_reason="Unwell.",
        )
        create(
            patient=PatientFactory(),
            clinician=clinician,
            starts_at=at("2027-02-01 10:00"),
        )
        assert Appointment.objects.count() == 2

    def test_cancelling_cannot_be_undone_onto_a_taken_slot(self, clinician):
        freed = create(
            patient=PatientFactory(),
            clinician=clinician,
            starts_at=at("2027-02-01 10:00"),
            status=CANCELLED,
            cancel_reason="Unwell.",
        )
        create(
            patient=PatientFactory(),
            clinician=clinician,
            starts_at=at("2027-02-01 10:00"),
        )
        freed.status = AppointmentStatus.BOOKED
        with pytest.raises(IntegrityError), transaction.atomic():
            freed.save()

    def test_the_service_turns_a_lost_race_into_its_message(
        self, monkeypatch, patient, clinician, scheduler
    ):
        create(
            patient=PatientFactory(),
            clinician=clinician,
            starts_at=at("2027-02-01 10:00"),
        )
        # As if the other booking committed after this one's check.
        monkeypatch.setattr(
            booking_checks, "conflicts", lambda slots, exclude_pks=(): []
        )
        with pytest.raises(ValidationError) as excinfo:
            book(patient, clinician, scheduler)
        assert excinfo.value.message_dict == {"starts_at": [booking_checks.SLOT_TAKEN]}
        # The caller's transaction is still usable.
        assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("sqlstate", "told"), [("40P01", True), ("57014", False)], ids=["deadlock", "other"]
)
def test_a_booking_failed_by_a_deadlock_lost_the_race(db, monkeypatch, sqlstate, told):
    """Racing bookings wait on each other in the exclusion constraints, and
    PostgreSQL may end the wait by failing one: it lost the race. Any other
    operational error is not a booking problem and is raised."""
    patient, clinician = PatientFactory(), UserFactory(roles=["Scheduler"])
    error = OperationalError("deadlock detected")
    error.__cause__ = Exception("from the driver")
    error.__cause__.sqlstate = sqlstate  # as psycopg's errors carry it

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(Appointment, "save", fail)
    if told:
        with pytest.raises(ValidationError) as excinfo:
            book(patient, clinician, clinician)
        assert excinfo.value.message_dict == {"starts_at": [booking_checks.SLOT_TAKEN]}
    else:
        with pytest.raises(OperationalError):
            book(patient, clinician, clinician)


@only_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_several_bookings_racing_for_one_slot_exactly_one_wins():
    racers = 5
    clinician = UserFactory(roles=["Scheduler"])
    patients = [PatientFactory() for _ in range(racers)]
    barrier = threading.Barrier(racers)
    outcomes = []

    def race(patient):
        try:
            barrier.wait(timeout=10)
            book(patient, clinician, clinician, "2027-02-01 10:00")
        except ValidationError as error:
            outcomes.append(error.messages)
        except Exception as error:  # reported by the assertion below
            outcomes.append(repr(error))
        else:
            outcomes.append("booked")
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=[p]) for p in patients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("booked") == 1, outcomes
    losers = [outcome for outcome in outcomes if outcome != "booked"]
    # Losers that checked after the winner committed are told who is booked when;
    # the ones that raced past the check meet the exclusion constraint.
    clash = f"{clinician.get_full_name()} already has an appointment "
    assert all(
        messages == [booking_checks.SLOT_TAKEN]
        or messages == [f"{clash}Mon 01 Feb 2027 10:00–10:30."]
        for messages in losers
    ), losers
    assert len(losers) == racers - 1
    assert Appointment.objects.filter(clinician=clinician).count() == 1
