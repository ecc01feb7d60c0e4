"""In Chromium: a scheduler books a patient's next toxin session from a free time
on the booking page, and from a free gap of the day calendar; at 820 px the
booking page and the calendars do not scroll sideways."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scheduling.clinic_time import clinic_datetime
from scheduling.models import Appointment
from tests.factories import (
    PatientFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NO_SIDEWAYS_SCROLL = (
    "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
)


def weekday_from(day: datetime.date) -> datetime.date:
    while day.weekday() > 4:
        day += datetime.timedelta(days=1)
    return day


def at(day: datetime.date, clock: str) -> datetime.datetime:
    return clinic_datetime(day, datetime.time.fromisoformat(clock))


@pytest.fixture
def clinician():
    return UserFactory(first_name="Ada", last_name="Injector", roles=["Injector"])


@pytest.fixture
def due(clinician):
    """A toxin course whose earliest safe date is a weekday ten or more days
    ahead, and whose suggested date a weekday a week after that."""
    earliest = weekday_from(timezone.localdate() + datetime.timedelta(days=10))
    suggested = weekday_from(earliest + datetime.timedelta(days=7))
    last_on = earliest - datetime.timedelta(days=84)
    course = TreatmentCourseFactory(
        case__patient__family_name="Quillfeather",
        case__patient__mrn="MRN-SLOT-1",
        responsible_clinician=clinician,
        planned_interval_days=(suggested - last_on).days,
    )
    ToxinSessionFactory(course=course, performed_at=at(last_on, "10:00"))
    return course, earliest, suggested


def test_a_scheduler_books_the_next_toxin_session_from_a_free_time(
    page, log_in, scheduler, clinician, due
):
    course, earliest, suggested = due
    patient = course.case.patient
    log_in(scheduler)
    page.goto(f"/treatments/appointments/book/?patient={patient.pk}&course={course.pk}")

    expect(page.locator("#earliest-safe-date")).to_have_text(f"{earliest:%a %d %b %Y}")
    expect(page.locator("#suggested-date")).to_have_text(f"{suggested:%a %d %b %Y}")
    days = page.locator(".free-times > li > h3")
    expect(days.first).to_contain_text(f"{suggested:%a %d %b %Y}")
    expect(days.first).to_contain_text("suggested")
    expect(days.nth(1)).to_have_text(f"{earliest:%a %d %b %Y}")
    # Nothing earlier than the earliest safe date is offered.
    offered = page.locator(".free-time time").evaluate_all(
        "times => times.map(t => t.getAttribute('datetime'))"
    )
    assert len(offered) == 12
    assert all(
        timezone.localtime(datetime.datetime.fromisoformat(moment)).date() >= earliest
        for moment in offered
    )
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    page.locator(".free-times > li").first.get_by_role("link").nth(1).click()
    page.wait_for_url("**start=*")

    start = f"{suggested:%Y-%m-%d}T11:00"
    assert page.input_value("#id_starts_at") == start
    assert page.input_value("#id_clinician") == str(clinician.pk)
    assert page.input_value("#id_kind") == "toxin_session"
    assert page.input_value("#id_course") == str(course.pk)
    assert page.input_value("#id_minutes") == "30"
    expect(page.locator(".free-time[aria-current=true]")).to_contain_text("11:00")

    page.get_by_role("button", name="Book", exact=True).click()
    page.wait_for_url("**/treatments/appointments/*/")
    expect(page.locator(".alert-success")).to_contain_text("Toxin session booked")

    appointment = Appointment.objects.get(patient=patient)
    assert appointment.starts_at == at(suggested, "11:00")
    assert appointment.clinician == clinician
    assert appointment.course == course
    assert appointment.ends_at - appointment.starts_at == datetime.timedelta(minutes=30)


def test_a_calendar_gap_lands_on_the_booking_form_with_its_slot(
    page, log_in, scheduler, clinician
):
    patient = PatientFactory(family_name="Heronsgate", mrn="MRN-SLOT-2")
    monday = timezone.localdate() + datetime.timedelta(days=7)
    monday -= datetime.timedelta(days=monday.weekday())
    log_in(scheduler)
    page.goto(
        f"/treatments/calendar/day/?date={monday.isoformat()}&clinician={clinician.pk}"
    )

    page.locator("a.calendar-book").first.click()
    expect(page.locator("h1")).to_have_text(
        f"Book an appointment: {monday:%a %d %b %Y} 08:00 with Ada Injector"
    )
    page.fill("input[name=q]", "MRN-SLOT-2")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="Choose").click()
    page.wait_for_url(f"**patient={patient.pk}*")

    assert page.input_value("#id_starts_at") == f"{monday:%Y-%m-%d}T08:00"
    assert page.input_value("#id_clinician") == str(clinician.pk)


def test_at_820_px_nothing_scrolls_sideways(page, log_in, scheduler, clinician, due):
    course, earliest, _ = due
    for n in range(4):
        UserFactory(roles=["Neurologist"], last_name=f"Colleague{n}")
    page.set_viewport_size({"width": 820, "height": 1180})
    log_in(scheduler)
    for url in (
        f"/treatments/appointments/book/?patient={course.case.patient_id}"
        f"&course={course.pk}",
        f"/treatments/calendar/day/?date={earliest.isoformat()}",
        f"/treatments/calendar/week/?date={earliest.isoformat()}"
        f"&clinician={clinician.pk}",
        "/",
    ):
        page.goto(url)
        assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{url} scrolls sideways at 820 px"
