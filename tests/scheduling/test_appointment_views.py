"""The booking screens: book, see, reschedule, cancel and mark appointments, and
the waitlist."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scheduling import booking, booking_checks
from scheduling.clinic_time import clinic_datetime
from scheduling.models import Appointment, AppointmentStatus, WaitlistEntry
from tests.factories import (
    AppointmentFactory,
    PatientFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
    UserFactory,
    WaitlistEntryFactory,
)

pytestmark = pytest.mark.django_db

BOOK_URL = reverse("scheduling:appointment_book")
WAITLIST_URL = reverse("scheduling:waitlist_list")
WAITLIST_NEW_URL = reverse("scheduling:waitlist_create")


@pytest.fixture(autouse=True)
def london(settings):
    settings.TIME_ZONE = "Europe/London"


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def at(on: datetime.date, clock: str = "10:00") -> datetime.datetime:
    return clinic_datetime(on, datetime.time.fromisoformat(clock))


def typed(on: datetime.date, clock: str = "10:00") -> str:
    return f"{on:%Y-%m-%d}T{clock}"


def url(name: str, appointment) -> str:
    return reverse(f"scheduling:{name}", args=[appointment.pk])


def messages_of(response) -> list[str]:
    """The messages this request added, not those queued by earlier ones."""
    storage = get_messages(response.wsgi_request)
    return [str(message) for message in storage._queued_messages]


def errors(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


@pytest.fixture
def clinician():
    return UserFactory(first_name="Ada", last_name="Injector", roles=["Injector"])


@pytest.fixture
def course():
    return TreatmentCourseFactory(
        case__patient__family_name="Booked", planned_interval_days=91
    )


@pytest.fixture
def patient(course):
    return course.case.patient


def book_url(patient, **query) -> str:
    query = {"patient": patient.pk, **query}
    return BOOK_URL + "?" + "&".join(f"{key}={value}" for key, value in query.items())


def booking_data(clinician, course=None, **changes) -> dict:
    data = {
        "clinician": str(clinician.pk),
        "kind": "toxin_session",
        "starts_at": typed(day(30)),
        "minutes": "",
        "course": str(course.pk) if course else "",
        "notes": "",
        "series_count": "1",
        "override_reason": "",
        "waitlist": "",
    }
    data.update(changes)
    return data


class TestChoosingThePatient:
    def test_the_search_keeps_the_rest_of_the_link(self, client, scheduler):
        patient = PatientFactory(mrn="MRN777", family_name="Findme")
        PatientFactory(mrn="MRN778", family_name="Archived", is_archived=True)
        client.force_login(scheduler)
        response = client.get(BOOK_URL, {"q": "MRN77", "date": "2027-02-01"})
        html = response.content.decode()
        assert list(response.context["found"]) == [patient]
        assert f"{BOOK_URL}?date=2027-02-01&amp;patient={patient.pk}" in html
        assert 'name="date" value="2027-02-01"' in html

    def test_nothing_found_says_so(self, client, scheduler):
        client.force_login(scheduler)
        response = client.get(WAITLIST_NEW_URL, {"q": "Nobody"})
        assert 'No active patient matches "Nobody"' in response.content.decode()


class TestBooking:
    def test_the_link_fills_in_the_course_kind_date_and_usual_length(
        self, client, scheduler, patient, course
    ):
        client.force_login(scheduler)
        response = client.get(
            book_url(patient, course=course.pk, date=day(30).isoformat())
        )
        form = response.context["form"]
        assert form["course"].value() == course.pk
        assert form["kind"].value() == "toxin_session"
        assert form["starts_at"].value() == typed(day(30), "08:00")
        assert form["minutes"].value() == 30
        assert list(form.fields["course"].queryset) == [course]

    def test_it_books_and_shows_the_appointment(
        self, client, scheduler, patient, course, clinician
    ):
        client.force_login(scheduler)
        response = client.post(
            book_url(patient), booking_data(clinician, course, notes="Wheelchair")
        )
        appointment = Appointment.objects.get()
        assert response.status_code == 302
        assert response["Location"] == url("appointment_detail", appointment)
        assert (appointment.patient, appointment.clinician) == (patient, clinician)
        assert appointment.starts_at == at(day(30))
        assert appointment.ends_at - appointment.starts_at == datetime.timedelta(
            minutes=30
        )
        assert (appointment.course, appointment.notes) == (course, "Wheelchair")
        assert messages_of(response) == [
            f"Toxin session booked for {at(day(30)):%a %d %b %Y} 10:00 with "
            "Ada Injector."
        ]

    def test_bad_input_is_explained_next_to_the_field_and_kept(
        self, client, scheduler, patient, clinician
    ):
        client.force_login(scheduler)
        response = client.post(
            book_url(patient),
            booking_data(
                clinician, starts_at="tomorrow-ish", minutes="2", notes="Kept note"
            ),
        )
        assert response.status_code == 200
        assert errors(response, "starts_at") == ["Enter a valid date/time."]
        assert errors(response, "minutes") == [
            "Ensure this value is greater than or equal to 5."
        ]
        html = response.content.decode()
        assert 'value="tomorrow-ish"' in html and 'value="Kept note"' in html
        assert not Appointment.objects.exists()

    def test_a_time_the_clocks_skip_is_refused_next_to_the_field(
        self, client, scheduler, patient, clinician
    ):
        client.force_login(scheduler)
        response = client.post(
            book_url(patient), booking_data(clinician, starts_at="2027-03-28T01:30")
        )
        [message] = errors(response, "starts_at")
        assert "does not exist in Europe/London: the clocks go forward" in message
        assert 'value="2027-03-28T01:30"' in response.content.decode()

    def test_a_past_day_is_refused(self, client, scheduler, patient, clinician):
        client.force_login(scheduler)
        response = client.post(
            book_url(patient), booking_data(clinician, starts_at=typed(day(-1)))
        )
        assert errors(response, "starts_at") == [
            "Choose today or a later day: a past appointment cannot be booked."
        ]

    def test_a_clash_is_shown_next_to_the_start(
        self, client, scheduler, patient, clinician
    ):
        AppointmentFactory(clinician=clinician, starts_at=at(day(30), "09:50"))
        client.force_login(scheduler)
        response = client.post(book_url(patient), booking_data(clinician))
        assert errors(response, "starts_at") == [
            f"Ada Injector already has an appointment {at(day(30)):%a %d %b %Y} "
            "09:50–10:20."
        ]

    def test_a_second_submit_finds_the_first_booking(
        self, client, scheduler, patient, clinician
    ):
        client.force_login(scheduler)
        data = booking_data(clinician)
        client.post(book_url(patient), data)
        response = client.post(book_url(patient), data)
        appointment = Appointment.objects.get()
        assert response["Location"] == url("appointment_detail", appointment)
        assert messages_of(response) == ["This appointment is already booked."]

    def test_a_booking_that_lost_a_race_asks_for_another_time(
        self, client, monkeypatch, scheduler, patient, clinician
    ):
        def taken(*args, **kwargs):
            raise IntegrityError(
                'conflicting key value violates exclusion constraint "'
                f'{booking_checks.CLINICIAN_NO_OVERLAP}"'
            )

        monkeypatch.setattr(Appointment, "save", taken)
        client.force_login(scheduler)
        response = client.post(book_url(patient), booking_data(clinician))
        assert response.status_code == 200
        assert errors(response, "starts_at") == [
            "That slot was just taken – choose another time."
        ]

    def test_a_series_books_each_session_at_the_planned_interval(
        self, client, scheduler, patient, course, clinician
    ):
        client.force_login(scheduler)
        response = client.post(
            book_url(patient), booking_data(clinician, course, series_count="3")
        )
        booked = list(Appointment.objects.order_by("starts_at"))
        assert response["Location"] == url("appointment_detail", booked[0])
        assert [a.starts_at for a in booked] == [
            at(day(30)),
            at(day(121)),
            at(day(212)),
        ]
        assert len({a.series for a in booked}) == 1
        assert "3 toxin session appointments booked" in messages_of(response)[0]

    def test_a_series_needs_a_course_with_an_interval(
        self, client, scheduler, patient, clinician
    ):
        client.force_login(scheduler)
        response = client.post(
            book_url(patient), booking_data(clinician, series_count="2")
        )
        assert errors(response, "series_count") == [
            "To book a series, choose a course with a planned interval."
        ]

    def test_booking_from_the_waitlist_ends_the_entry(
        self, client, scheduler, patient, clinician
    ):
        entry = WaitlistEntryFactory(patient=patient)
        client.force_login(scheduler)
        page = client.get(book_url(patient, waitlist=entry.pk))
        assert page.context["form"]["waitlist"].value() == entry.pk
        client.post(book_url(patient), booking_data(clinician, waitlist=entry.pk))
        assert Appointment.objects.count() == 1
        assert WaitlistEntry.objects.get(pk=entry.pk).is_active is False


class TestEarliestSafeDate:
    @pytest.fixture(autouse=True)
    def last_session(self, course):
        # 83 days after it is day(23); 84 days is day(24).
        return ToxinSessionFactory(course=course, performed_at=at(day(-60)))

    def test_a_scheduler_sees_the_warning_and_cannot_book(
        self, client, scheduler, patient, clinician
    ):
        client.force_login(scheduler)
        response = client.post(
            book_url(patient), booking_data(clinician, starts_at=typed(day(23)))
        )
        html = response.content.decode()
        assert "is 83 days after the last toxin session" in html
        assert booking_checks.NEEDS_NEUROLOGIST in html
        assert 'name="override_reason"' not in html
        assert not Appointment.objects.exists()
        response = client.post(
            book_url(patient), booking_data(clinician, starts_at=typed(day(24)))
        )
        assert Appointment.objects.get().overridden_by is None

    def test_a_neurologist_overrides_with_a_reason(
        self, client, neurologist, patient, clinician
    ):
        client.force_login(neurologist)
        data = booking_data(clinician, starts_at=typed(day(23)))
        first = client.post(book_url(patient), data)
        assert 'name="override_reason"' in first.content.decode()
        assert not first.context["override_form"].errors
        data["warnings_digest"] = first.context["override_form"].digest
        without_reason = client.post(book_url(patient), data)
        assert without_reason.context["override_form"].errors["override_reason"] == [
            booking_checks.GIVE_OVERRIDE_REASON
        ]
        data["override_reason"] = "Travelling abroad from next month."
        client.post(book_url(patient), data)
        appointment = Appointment.objects.get()
        assert appointment.overridden_by == neurologist
        assert appointment.override_reason == "Travelling abroad from next month."

    def test_the_page_takes_the_warnings_from_the_one_booking_call(
        self, client, neurologist, patient, clinician, monkeypatch
    ):
        checked = []
        interval_warnings = booking_checks.interval_warnings

        def counted(**kwargs):
            checked.append(kwargs["starts"])
            return interval_warnings(**kwargs)

        monkeypatch.setattr(booking_checks, "interval_warnings", counted)
        client.force_login(neurologist)
        data = booking_data(clinician, starts_at=typed(day(23)))
        shown = client.post(book_url(patient), data)
        assert "is 83 days after the last toxin session" in shown.content.decode()
        assert checked == [[at(day(23))]]
        checked.clear()
        data["warnings_digest"] = shown.context["override_form"].digest
        data["override_reason"] = "Travelling abroad from next month."
        client.post(book_url(patient), data)
        assert Appointment.objects.get().overridden_by == neurologist
        assert checked == [[at(day(23))]]  # by the service only, once

    def test_a_reschedule_shows_and_overrides_them_through_the_same_form(
        self, client, scheduler, neurologist, patient, clinician
    ):
        appointment = AppointmentFactory(
            patient=patient,
            clinician=clinician,
            kind="toxin_session",
            starts_at=at(day(30)),
        )
        move = {"starts_at": typed(day(23)), "minutes": "30"}
        client.force_login(scheduler)
        html = client.post(url("appointment_reschedule", appointment), move).content
        assert "is 83 days after the last toxin session" in html.decode()
        assert booking_checks.NEEDS_NEUROLOGIST in html.decode()
        client.force_login(neurologist)
        shown = client.post(url("appointment_reschedule", appointment), move)
        assert "Move anyway" in shown.content.decode()
        move["warnings_digest"] = shown.context["override_form"].digest
        move["override_reason"] = "Travelling."
        response = client.post(url("appointment_reschedule", appointment), move)
        assert response["Location"] == url("appointment_detail", appointment)
        appointment.refresh_from_db()
        assert appointment.starts_at == at(day(23))
        assert appointment.overridden_by == neurologist

    def test_a_changed_date_shows_the_new_numbers_first(
        self, client, neurologist, patient, clinician
    ):
        client.force_login(neurologist)
        data = booking_data(clinician, starts_at=typed(day(23)))
        shown = client.post(book_url(patient), data)
        data["warnings_digest"] = shown.context["override_form"].digest
        data.update(starts_at=typed(day(20)), override_reason="Travelling.")
        response = client.post(book_url(patient), data)
        assert "is 80 days after" in response.content.decode()
        assert not Appointment.objects.exists()


@pytest.fixture
def cancelled(clinician):
    return AppointmentFactory(
        clinician=clinician,
        kind="toxin_session",
        starts_at=at(day(10)),
        status=AppointmentStatus.CANCELLED,
        cancel_reason="Unwell.",
    )


class TestDetail:
    def test_it_shows_the_appointment_without_clinical_findings(
        self, client, scheduler, patient, course, clinician
    ):
        ToxinSessionFactory(course=course)
        appointment = AppointmentFactory(
            patient=patient, clinician=clinician, course=course, notes="Interpreter"
        )
        client.force_login(scheduler)
        response = client.get(url("appointment_detail", appointment))
        html = response.content.decode()
        for text in ["Ada Injector", "Interpreter", "(30 minutes)", "Booked"]:
            assert text in html, text
        assert reverse("patient_chart", args=[patient.pk]) in html
        for clinical in ["Botox", "onabotulinumtoxinA", "G51.31", "Hemifacial"]:
            assert clinical not in html, clinical
        assert url("appointment_reschedule", appointment) in html
        assert [value for value, _ in response.context["status_actions"]] == [
            "confirmed",
            "arrived",
            "completed",
        ]

    def test_who_may_only_look_gets_no_actions(self, client, injector):
        appointment = AppointmentFactory()
        client.force_login(injector)
        response = client.get(url("appointment_detail", appointment))
        assert response.context["status_actions"] == []
        assert url("appointment_cancel", appointment) not in response.content.decode()

    def test_query_count_does_not_grow_with_the_series_or_the_waitlist(
        self, client, scheduler, patient, course, clinician, cancelled
    ):
        series = booking.book_series(
            patient=patient,
            clinician=clinician,
            course=course,
            first_starts_at=at(day(20)),
            count=2,
            interval_days=91,
            booked_by=scheduler,
        )
        WaitlistEntryFactory(wanted_from=day(1))
        client.force_login(scheduler)
        client.get(url("appointment_detail", series[0]))
        client.get(url("appointment_detail", cancelled))
        with CaptureQueriesContext(connection) as plain:
            client.get(url("appointment_detail", series[0]))
        with CaptureQueriesContext(connection) as freed:
            response = client.get(url("appointment_detail", cancelled))
        assert len(response.context["waitlist_rows"]) == 1
        for number in range(4):
            AppointmentFactory(
                series=series[0].series,
                patient=patient,
                starts_at=at(day(300 + 91 * number)),
            )
            WaitlistEntryFactory(wanted_from=day(1), clinician=clinician)
        with CaptureQueriesContext(connection) as plain_grown:
            response = client.get(url("appointment_detail", series[0]))
        assert len(response.context["series"]) == 6
        with CaptureQueriesContext(connection) as freed_grown:
            response = client.get(url("appointment_detail", cancelled))
        assert len(response.context["waitlist_rows"]) == 5
        assert len(plain_grown) == len(plain)
        assert len(freed_grown) == len(freed)


class TestCancel:
    @pytest.fixture
    def appointment(self, patient, clinician):
        return AppointmentFactory(
            patient=patient,
            clinician=clinician,
            kind="toxin_session",
            starts_at=at(day(10)),
        )

    def test_a_reason_is_required(self, client, scheduler, appointment):
        client.force_login(scheduler)
        response = client.post(url("appointment_cancel", appointment), {"reason": ""})
        assert errors(response, "reason") == ["Say why the appointment is cancelled."]
        assert Appointment.objects.get(pk=appointment.pk).status == "booked"

    def test_the_freed_slot_offers_the_waitlist(
        self, client, scheduler, appointment, clinician
    ):
        waiting = WaitlistEntryFactory(
            patient__family_name="Waiting", wanted_from=day(1)
        )
        WaitlistEntryFactory(patient__family_name="Later", wanted_from=day(11))
        client.force_login(scheduler)
        response = client.post(
            url("appointment_cancel", appointment),
            {"reason": "Patient unwell."},
            follow=True,
        )
        appointment.refresh_from_db()
        assert appointment.status == "cancelled"
        assert appointment.cancel_reason == "Patient unwell."
        html = response.content.decode()
        assert "Appointment cancelled." in html
        assert "WAITING" in html and "LATER" not in html
        [(entry, link)] = response.context["waitlist_rows"]
        assert entry == waiting
        assert link == (
            f"{BOOK_URL}?patient={waiting.patient_id}&kind=toxin_session"
            f"&clinician={clinician.pk}&start={typed(day(10))}"
            f"&minutes=30&waitlist={waiting.pk}".replace(":", "%3A")
        )
        # Following the link offers the freed slot.
        form = client.get(link).context["form"]
        assert form["starts_at"].value() == typed(day(10))
        assert form["clinician"].value() == clinician.pk

    def test_no_link_once_the_slot_is_booked_again(
        self, client, scheduler, cancelled, clinician
    ):
        WaitlistEntryFactory(wanted_from=day(1))
        AppointmentFactory(clinician=clinician, starts_at=cancelled.starts_at)
        client.force_login(scheduler)
        response = client.get(url("appointment_detail", cancelled))
        assert response.context["retaken"] is True
        assert [link for _, link in response.context["waitlist_rows"]] == [""]

    def test_this_and_following_of_a_series(
        self, client, scheduler, patient, course, clinician
    ):
        series = booking.book_series(
            patient=patient,
            clinician=clinician,
            course=course,
            first_starts_at=at(day(10)),
            count=3,
            booked_by=scheduler,
        )
        client.force_login(scheduler)
        page = client.get(url("appointment_cancel", series[1]))
        assert "Also the 1 later appointment of this series" in (page.content.decode())
        client.post(
            url("appointment_cancel", series[1]),
            {"reason": "Moved away.", "this_and_following": "on"},
        )
        assert [Appointment.objects.get(pk=a.pk).status for a in series] == [
            "booked",
            "cancelled",
            "cancelled",
        ]

    def test_a_cancelled_appointment_cannot_be_cancelled_again(
        self, client, scheduler, cancelled
    ):
        client.force_login(scheduler)
        response = client.get(url("appointment_cancel", cancelled))
        assert response["Location"] == url("appointment_detail", cancelled)
        assert messages_of(response) == ["A cancelled appointment cannot be cancelled."]


class TestReschedule:
    @pytest.fixture
    def appointment(self, patient, clinician):
        return AppointmentFactory(
            patient=patient, clinician=clinician, starts_at=at(day(10))
        )

    def test_the_form_starts_from_the_booking(self, client, scheduler, appointment):
        client.force_login(scheduler)
        response = client.get(url("appointment_reschedule", appointment))
        form = response.context["form"]
        assert f'value="{typed(day(10))}"' in response.content.decode()
        assert form["minutes"].value() == 30
        assert "this_and_following" not in form.fields

    def test_it_moves_the_appointment(self, client, scheduler, appointment):
        client.force_login(scheduler)
        response = client.post(
            url("appointment_reschedule", appointment),
            {"starts_at": typed(day(12), "14:30"), "minutes": "45"},
        )
        assert response["Location"] == url("appointment_detail", appointment)
        appointment.refresh_from_db()
        assert (appointment.starts_at, appointment.ends_at) == (
            at(day(12), "14:30"),
            at(day(12), "15:15"),
        )

    def test_a_missing_time_and_a_clash_are_refused_next_to_the_start(
        self, client, scheduler, appointment, clinician
    ):
        client.force_login(scheduler)
        response = client.post(
            url("appointment_reschedule", appointment),
            {"starts_at": "2027-03-28T01:45", "minutes": "30"},
        )
        assert "clocks go forward" in errors(response, "starts_at")[0]
        AppointmentFactory(clinician=clinician, starts_at=at(day(11), "09:00"))
        response = client.post(
            url("appointment_reschedule", appointment),
            {"starts_at": typed(day(11), "09:15"), "minutes": "30"},
        )
        assert (
            "Ada Injector already has an appointment"
            in (errors(response, "starts_at")[0])
        )
        assert Appointment.objects.get(pk=appointment.pk).starts_at == at(day(10))

    def test_this_and_following_moves_the_later_ones(
        self, client, scheduler, patient, course, clinician
    ):
        series = booking.book_series(
            patient=patient,
            clinician=clinician,
            course=course,
            first_starts_at=at(day(10)),
            count=3,
            booked_by=scheduler,
        )
        client.force_login(scheduler)
        client.post(
            url("appointment_reschedule", series[1]),
            {
                "starts_at": typed(day(103), "11:00"),
                "minutes": "30",
                "this_and_following": "on",
            },
        )
        starts = [Appointment.objects.get(pk=a.pk).starts_at for a in series]
        assert starts == [at(day(10)), at(day(103), "11:00"), at(day(194), "11:00")]


class TestStatus:
    def test_arrived(self, client, scheduler):
        appointment = AppointmentFactory(starts_at=timezone.now())
        client.force_login(scheduler)
        response = client.post(
            url("appointment_status", appointment), {"status": "arrived"}
        )
        assert response["Location"] == url("appointment_detail", appointment)
        assert messages_of(response) == ["Marked arrived."]
        assert Appointment.objects.get(pk=appointment.pk).status == "arrived"

    def test_a_move_not_allowed_is_explained(self, client, scheduler):
        appointment = AppointmentFactory(status="completed")
        client.force_login(scheduler)
        response = client.post(
            url("appointment_status", appointment), {"status": "no_show"}
        )
        assert messages_of(response) == [
            "A completed appointment cannot be marked no-show."
        ]
        response = client.post(
            url("appointment_status", appointment), {"status": "cancelled"}
        )
        assert messages_of(response) == ["Choose arrived, completed or no-show."]

    def test_a_no_show_offers_the_rest_of_the_slot_to_the_waitlist(
        self, client, scheduler
    ):
        appointment = AppointmentFactory(
            kind="toxin_session",
            starts_at=timezone.now() - datetime.timedelta(minutes=5),
        )
        WaitlistEntryFactory(patient__family_name="Shortnotice", wanted_from=day(0))
        client.force_login(scheduler)
        response = client.post(
            url("appointment_status", appointment), {"status": "no_show"}, follow=True
        )
        assert "SHORTNOTICE" in response.content.decode()


class TestWaitlist:
    def waitlist_data(self, **changes) -> dict:
        data = {
            "kind": "toxin_session",
            "course": "",
            "clinician": "",
            "wanted_from": day(1).isoformat(),
            "wanted_until": "",
            "note": "Can come at short notice.",
        }
        data.update(changes)
        return data

    def test_it_adds_the_patient(self, client, scheduler, patient, course):
        client.force_login(scheduler)
        target = f"{WAITLIST_NEW_URL}?patient={patient.pk}"
        page = client.get(target)
        assert list(page.context["form"].fields["course"].queryset) == [course]
        response = client.post(target, self.waitlist_data(course=str(course.pk)))
        assert response["Location"] == WAITLIST_URL
        entry = WaitlistEntry.objects.get()
        assert (entry.patient, entry.course, entry.is_active) == (patient, course, True)
        again = client.post(target, self.waitlist_data(course=str(course.pk)))
        assert messages_of(again) == ["The patient is already on the waitlist."]
        assert WaitlistEntry.objects.count() == 1

    def test_an_inverted_period_is_explained_next_to_its_end(
        self, client, scheduler, patient
    ):
        client.force_login(scheduler)
        response = client.post(
            f"{WAITLIST_NEW_URL}?patient={patient.pk}",
            self.waitlist_data(
                wanted_from=day(10).isoformat(), wanted_until=day(5).isoformat()
            ),
        )
        assert errors(response, "wanted_until") == [
            "The end of the wanted period cannot be before its start."
        ]
        assert f'value="{day(5).isoformat()}"' in response.content.decode()
        assert not WaitlistEntry.objects.exists()

    def test_the_list_links_each_entry_to_booking(self, client, scheduler):
        entry = WaitlistEntryFactory(
            patient__family_name="Waiting", wanted_from=day(-3)
        )
        WaitlistEntryFactory(is_active=False, patient__family_name="Booked")
        client.force_login(scheduler)
        response = client.get(WAITLIST_URL)
        html = response.content.decode()
        assert "WAITING" in html and "BOOKED" not in html
        [(shown, link)] = response.context["rows"]
        assert shown == entry
        assert link == (
            f"{BOOK_URL}?patient={entry.patient_id}&kind=toxin_session"
            f"&date={day(0).isoformat()}&waitlist={entry.pk}"
        )

    def test_list_query_count_does_not_grow_with_rows(self, client, scheduler):
        WaitlistEntryFactory(course=TreatmentCourseFactory(), clinician=UserFactory())
        client.force_login(scheduler)
        client.get(WAITLIST_URL)
        with CaptureQueriesContext(connection) as baseline:
            client.get(WAITLIST_URL)
        for _ in range(5):
            WaitlistEntryFactory(
                course=TreatmentCourseFactory(), clinician=UserFactory()
            )
        with CaptureQueriesContext(connection) as grown:
            response = client.get(WAITLIST_URL)
        assert len(response.context["rows"]) == 6
        assert len(grown) == len(baseline)
