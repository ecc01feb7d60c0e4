"""The booking page's free times, through the real request stack: from the earliest
safe date, the suggested date first, the clinician's and the patient's other
appointments left out, choosing one fills the form, a wrong slot in the address
is 400, and the queries do not grow with the appointments."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scheduling import availability
from scheduling.clinic_time import clinic_datetime
from scheduling.models import Appointment, AppointmentKind, AppointmentStatus
from tests.factories import (
    AppointmentFactory,
    PatientFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BOOK_URL = reverse("scheduling:appointment_book")


@pytest.fixture(autouse=True)
def _london(settings):
    settings.TIME_ZONE = "Europe/London"
    settings.CLINIC_DAY_STARTS_HOUR = 8
    settings.CLINIC_DAY_ENDS_HOUR = 18
    settings.CLINIC_SLOT_STEP_MINUTES = 15
    settings.CLINIC_MIN_REINJECTION_DAYS = 84


def weekday_from(day: datetime.date) -> datetime.date:
    while day.weekday() > 4:
        day += datetime.timedelta(days=1)
    return day


def at(on: datetime.date, clock: str = "10:00") -> datetime.datetime:
    return clinic_datetime(on, datetime.time.fromisoformat(clock))


@pytest.fixture
def clinician():
    return UserFactory(first_name="Ada", last_name="Injector", roles=["Injector"])


@pytest.fixture
def dates():
    """A weekday earliest safe date 10 days or more ahead, and a weekday
    suggested date a week or more after it."""
    earliest = weekday_from(timezone.localdate() + datetime.timedelta(days=10))
    suggested = weekday_from(earliest + datetime.timedelta(days=7))
    return earliest, suggested


@pytest.fixture
def course(clinician, dates):
    """A toxin course whose last session makes `dates` its earliest safe and
    suggested dates (its planned interval is longer than the minimum)."""
    earliest, suggested = dates
    last_on = earliest - datetime.timedelta(days=84)
    course = TreatmentCourseFactory(
        case__patient__family_name="Slotted",
        responsible_clinician=clinician,
        planned_interval_days=(suggested - last_on).days,
    )
    ToxinSessionFactory(course=course, performed_at=at(last_on))
    course.refresh_from_db()
    return course


@pytest.fixture
def patient(course):
    return course.case.patient


def book(client, patient, **query):
    return client.get(BOOK_URL, {"patient": patient.pk, **query})


def listed_days(response) -> list[datetime.date]:
    return [group["day"] for group in response.context["free"]["days"]]


def listed_starts(response) -> list[str]:
    return [
        item["slot"].start_param
        for group in response.context["free"]["days"]
        for item in group["slots"]
    ]


def test_the_course_gives_its_recall_dates(course, dates):
    assert (course.earliest_next_on, course.suggested_next_on) == dates


class TestTheList:
    def test_it_starts_at_the_earliest_safe_date_with_the_suggested_date_first(
        self, client, scheduler, patient, course, dates
    ):
        earliest, suggested = dates
        client.force_login(scheduler)
        response = book(client, patient, course=course.pk)
        days = listed_days(response)
        assert days[0] == suggested
        assert days[1] == earliest
        assert min(days) == earliest
        assert days[1:] == sorted(days[1:])
        free = response.context["free"]
        assert free["count"] == availability.SLOTS_SHOWN
        assert free["days"][0]["is_suggested"] is True
        # A free day: its free times spread from opening to the last that fits.
        assert listed_starts(response)[:4] == [
            f"{suggested:%Y-%m-%d}T{clock}"
            for clock in ("08:00", "11:00", "14:15", "17:30")
        ]
        html = response.content.decode()
        assert f"{earliest:%a %d %b %Y}" in html and f"{suggested:%a %d %b %Y}" in html
        assert "84 days after the last toxin session" in html
        assert (
            f"The first 12 free times for a 30 min toxin session with Ada Injector, "
            f"over 28 days from {earliest:%a %d %b %Y} (the suggested date first)"
        ) in re.sub(r"\s+", " ", html)

    def test_the_course_chosen_gives_the_suggested_date_without_a_course_too(
        self, client, scheduler, patient, clinician, dates
    ):
        client.force_login(scheduler)
        response = book(client, patient, kind="toxin_session", clinician=clinician.pk)
        assert listed_days(response)[:2] == [dates[1], dates[0]]

    def test_a_toxin_session_already_booked_moves_the_earliest_safe_date(
        self, client, scheduler, patient, course, clinician, dates
    ):
        booked_on = dates[1]
        AppointmentFactory(
            patient=patient,
            clinician=clinician,
            kind=AppointmentKind.TOXIN_SESSION,
            starts_at=at(booked_on),
        )
        client.force_login(scheduler)
        response = book(client, patient, course=course.pk)
        free = response.context["free"]
        assert free["dates"].earliest_safe_on == booked_on + datetime.timedelta(84)
        assert min(listed_days(response)) >= booked_on + datetime.timedelta(84)
        assert "the toxin session booked for" in response.content.decode()

    def test_another_kind_of_visit_is_offered_from_now(
        self, client, scheduler, patient, clinician
    ):
        client.force_login(scheduler)
        response = book(client, patient, kind="follow_up", clinician=clinician.pk)
        free = response.context["free"]
        assert free["dates"].is_toxin is False
        assert free["minutes"] == 20
        first = free["days"][0]["slots"][0]["slot"]
        assert first.starts_at >= timezone.now()
        assert first.day <= weekday_from(
            timezone.localdate() + datetime.timedelta(days=1)
        )
        assert "Earliest safe date" not in response.content.decode()

    def test_the_form_duration_sets_the_visit_length(
        self, client, scheduler, patient, course
    ):
        client.force_login(scheduler)
        response = book(client, patient, course=course.pk, minutes="90")
        [first, *_] = response.context["free"]["days"][0]["slots"]
        assert first["slot"].ends_at - first["slot"].starts_at == datetime.timedelta(
            minutes=90
        )
        assert listed_starts(response)[3].endswith("T16:30")

    def test_the_clinicians_and_the_patients_other_appointments_are_left_out(
        self, client, scheduler, patient, course, clinician, dates
    ):
        suggested = dates[1]
        # The clinician's morning is taken; the patient is elsewhere at 16:00.
        AppointmentFactory(
            clinician=clinician,
            starts_at=at(suggested, "08:00"),
            ends_at=at(suggested, "13:00"),
        )
        AppointmentFactory(
            patient=patient,
            clinician=UserFactory(roles=["Therapist"]),
            kind=AppointmentKind.THERAPY,
            starts_at=at(suggested, "16:00"),
            ends_at=at(suggested, "18:00"),
        )
        # A cancelled visit frees its time.
        AppointmentFactory(
            clinician=clinician,
            starts_at=at(suggested, "13:00"),
            ends_at=at(suggested, "16:00"),
            status=AppointmentStatus.CANCELLED,
            cancel_reason="Unwell",
        )
        client.force_login(scheduler)
        response = book(client, patient, course=course.pk)
        day_starts = [
            s for s in listed_starts(response) if s.startswith(f"{suggested}")
        ]
        assert day_starts == [
            f"{suggested}T{clock}" for clock in ("13:00", "13:45", "14:30", "15:30")
        ]

    def test_without_a_clinician_it_asks_for_one(self, client, scheduler):
        patient = PatientFactory()
        client.force_login(scheduler)
        response = book(client, patient)
        assert response.context["free"]["days"] == []
        assert "Choose a clinician to see their free times." in (
            response.content.decode()
        )

    def test_a_fully_booked_horizon_says_so(
        self, client, scheduler, patient, course, clinician, dates, monkeypatch
    ):
        monkeypatch.setattr(availability, "HORIZON_DAYS", 1)
        earliest, suggested = dates
        for day in (earliest, suggested):
            AppointmentFactory(
                clinician=clinician,
                starts_at=at(day, "08:00"),
                ends_at=at(day, "18:00"),
            )
        client.force_login(scheduler)
        response = book(client, patient, course=course.pk)
        assert response.context["free"]["days"] == []
        html = re.sub(r"\s+", " ", response.content.decode())
        assert (
            "No free time for a 30 min toxin session with Ada Injector in the 1 "
            f"days from {earliest:%a %d %b %Y}"
        ) in html


class TestChoosingAFreeTime:
    def test_the_link_fills_the_form_and_the_booking_is_made_there(
        self, client, scheduler, patient, course, clinician, dates
    ):
        client.force_login(scheduler)
        response = book(client, patient, course=course.pk)
        html = response.content.decode()
        start = listed_starts(response)[1]
        link = re.search(
            rf'href="(\?[^"]*start={start.replace(":", "%3A")}[^"]*)"', html
        )
        assert link is not None
        chosen = client.get(BOOK_URL + link.group(1).replace("&amp;", "&"))
        form = chosen.context["form"]
        assert form["starts_at"].value() == start
        assert form["clinician"].value() == clinician.pk
        assert form["course"].value() == course.pk
        assert form["kind"].value() == "toxin_session"
        chosen_items = [
            item
            for group in chosen.context["free"]["days"]
            for item in group["slots"]
            if item["is_chosen"]
        ]
        assert [item["slot"].start_param for item in chosen_items] == [start]
        assert 'aria-current="true"' in chosen.content.decode()
        posted = client.post(
            BOOK_URL + link.group(1).replace("&amp;", "&"),
            {
                "clinician": clinician.pk,
                "kind": "toxin_session",
                "starts_at": start,
                "minutes": "30",
                "course": course.pk,
                "notes": "",
                "series_count": "1",
                "waitlist": "",
            },
        )
        appointment = Appointment.objects.get()
        assert posted.status_code == 302
        assert appointment.starts_at == at(
            datetime.date.fromisoformat(start[:10]), start[11:]
        )

    def test_a_time_taken_meanwhile_is_refused_by_the_booking_service(
        self, client, scheduler, patient, course, clinician, dates
    ):
        suggested = dates[1]
        AppointmentFactory(clinician=clinician, starts_at=at(suggested, "08:00"))
        client.force_login(scheduler)
        response = client.post(
            f"{BOOK_URL}?patient={patient.pk}",
            {
                "clinician": clinician.pk,
                "kind": "toxin_session",
                "starts_at": f"{suggested}T08:00",
                "minutes": "",
                "course": course.pk,
                "notes": "",
                "series_count": "1",
                "waitlist": "",
            },
        )
        assert response.status_code == 200
        assert (
            "already has an appointment"
            in response.context["form"].errors["starts_at"][0]
        )
        # The page offers the free times again, from the form as posted.
        assert f"{suggested}T08:30" in listed_starts(response)

    def test_the_find_patient_step_keeps_the_slot(self, client, scheduler, clinician):
        found = PatientFactory(family_name="Findme", mrn="MRN4242")
        client.force_login(scheduler)
        response = client.get(
            BOOK_URL,
            {"clinician": clinician.pk, "start": "2027-01-11T09:20", "q": "MRN4242"},
        )
        html = response.content.decode()
        assert "Book an appointment: Mon 11 Jan 2027 09:20 with Ada Injector" in html
        choose = (
            f"{BOOK_URL}?clinician={clinician.pk}&amp;start=2027-01-11T09%3A20"
            f"&amp;patient={found.pk}"
        )
        assert choose in html
        # The search form keeps it too.
        assert 'name="start" value="2027-01-11T09:20"' in html
        form = client.get(choose.replace("&amp;", "&")).context["form"]
        assert form["starts_at"].value() == "2027-01-11T09:20"
        assert form["clinician"].value() == clinician.pk


class TestAddresses:
    @pytest.mark.parametrize(
        "query",
        [
            {"start": "tomorrow"},
            {"start": "2027-13-01T09:00"},
            {"start": "2027-01-11T25:00"},
            {"start": "2027-01-11 09:00 00:00"},
            {"clinician": "Ada"},
            {"clinician": "٣"},
        ],
    )
    def test_a_malformed_slot_is_400_never_500(self, client, scheduler, patient, query):
        client.force_login(scheduler)
        response = book(client, patient, **query)
        assert response.status_code == 400
        assert "Address not understood" in response.content.decode()
        # Before the patient is chosen as well.
        assert client.get(BOOK_URL, query).status_code == 400

    def test_an_unknown_clinician_offers_no_free_times(
        self, client, scheduler, patient
    ):
        client.force_login(scheduler)
        response = book(client, patient, clinician="999999", start="2027-01-11T09:00")
        assert response.status_code == 200
        assert response.context["free"]["clinician"] is None

    def test_a_signed_out_visitor_is_sent_to_sign_in(self, client, patient):
        response = book(client, patient, start="2027-01-11T09:00")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_a_role_that_does_not_book_is_refused(self, client, injector, patient):
        client.force_login(injector)
        assert book(client, patient, start="2027-01-11T09:00").status_code == 403


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_queries_do_not_grow_with_appointments_or_days(
    client, scheduler, patient, course, clinician, dates
):
    url = f"{BOOK_URL}?patient={patient.pk}&course={course.pk}"
    client.force_login(scheduler)
    baseline = _queries(client, url)
    earliest = dates[0]
    for offset in range(0, 28, 2):
        on = earliest + datetime.timedelta(days=offset)
        AppointmentFactory(clinician=clinician, starts_at=at(on, "09:00"))
        AppointmentFactory(clinician=clinician, starts_at=at(on, "12:00"))
        AppointmentFactory(patient=patient, starts_at=at(on, "15:00"))
    assert _queries(client, url) == baseline


def test_one_query_holds_the_appointments_of_the_whole_horizon(
    client, scheduler, patient, course
):
    client.force_login(scheduler)
    with CaptureQueriesContext(connection) as queries:
        client.get(f"{BOOK_URL}?patient={patient.pk}&course={course.pk}")
    # The latest toxin session booked for the patient, and the clinician's and
    # the patient's appointments over the 28 days.
    on_appointments = [
        query["sql"]
        for query in queries.captured_queries
        if 'FROM "treatments_appointment"' in query["sql"]
    ]
    assert len(on_appointments) == 2
