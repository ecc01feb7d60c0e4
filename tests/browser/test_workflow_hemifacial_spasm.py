"""In Chromium, whole workflows from the first visit to the next booked visit:
an adult with left hemifacial spasm (registered, scored, MRI ordered, toxin
charted by the injector, the next session booked by the scheduler from a free
time at a safe date), and a 9-year-old with eyelid twitching (registered with the
guardian who consents, the red flag raised from the record, the suggested MRI
ordered in one click, a follow-up booked from a free time)."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from patients.models import Condition, DiagnosticStudy, RedFlag
from scheduling.models import Appointment
from tests.browser.workflow_steps import (
    chart_sites,
    new_course,
    new_patient,
    open_case,
    saved,
    score,
)
from tests.factories import UserFactory
from treatments.models import ToxinSession

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIAL = {"size": "100", "lot": "C7713", "expiry": "2027-09-30", "diluent_ml": "4"}
SITES = [
    ("oo_pretarsal_upper_lateral", "left", "2.5"),
    ("oo_pretarsal_lower_lateral", "left", "2.5"),
    ("zygomaticus_major", "left", "2.5"),
]


def sign_in_as(page, log_in, user) -> None:
    page.context.clear_cookies()
    log_in(user)


def book_first_free_time(page, patient, *, course=None) -> Appointment:
    """The booking page for the patient (and course), its first free time."""
    query = f"?patient={patient.pk}" + (f"&course={course.pk}" if course else "")
    page.goto(f"/treatments/appointments/book/{query}")
    if not page.input_value("#free-clinician"):
        page.select_option("#free-clinician", index=1)
        page.get_by_role("button", name="Show free times").click()
    page.locator(".free-times .free-time").first.click()
    page.wait_for_url("**start=*")
    page.get_by_role("button", name="Book", exact=True).click()
    page.wait_for_url("**/treatments/appointments/*/")
    expect(page.locator(".alert-success")).to_contain_text("booked")
    return Appointment.objects.get(patient=patient)


def test_adult_left_hemifacial_spasm_to_the_next_booked_session(
    page, log_in, neurologist, injector, scheduler
):
    log_in(neurologist)
    patient = new_patient(
        page,
        mrn="HFS-2001",
        given="Idris",
        family="Calloway",
        born=datetime.date(1961, 8, 9),
    )
    case = open_case(
        page,
        patient,
        condition=Condition.HEMIFACIAL_SPASM,
        side="left",
        onset=timezone.localdate() - datetime.timedelta(days=400),
    )
    assert case.icd10_code == "G51.32"  # the code for the side
    score(
        page,
        case,
        instrument="jrs",
        fields={"item_severity": "3", "item_frequency": "3"},
    )
    page.goto(patient.get_absolute_url())
    page.get_by_role("link", name="Order study").click()
    page.select_option("#id_modality", "mri")
    page.fill("#id_description", "MRI with CISS and MRA of the posterior fossa")
    page.get_by_role("button", name="Order study").click()
    saved(page, "Study ordered.")
    course = new_course(page, case, kind="botulinum_toxin", planned_interval_days="91")

    sign_in_as(page, log_in, injector)
    page.goto(f"/treatments/courses/{course.pk}/sessions/new/")
    given = timezone.now() - datetime.timedelta(minutes=10)
    chart_sites(page, product="onabotulinumtoxina", given=given, vial=VIAL, sites=SITES)
    page.get_by_role("button", name="Save session").last.click()
    saved(page, "Toxin session saved.")
    session = ToxinSession.objects.get(course=course)
    assert session.injections.count() == 3

    sign_in_as(page, log_in, scheduler)
    appointment = book_first_free_time(page, patient, course=course)
    safe_from = timezone.localdate() + datetime.timedelta(
        days=settings.CLINIC_MIN_REINJECTION_DAYS
    )
    assert timezone.localtime(appointment.starts_at).date() >= safe_from
    assert (appointment.kind, appointment.course) == ("toxin_session", course)
    page.goto(patient.get_absolute_url())
    expect(page.locator(".alert-danger", has_text="next should not be")).to_have_count(
        0
    )


def the_mother_consents(page) -> None:
    page.fill("#id_guardians-0-full_name", "Carys Arkwright")
    page.select_option("#id_guardians-0-relationship", "mother")
    page.fill("#id_guardians-0-phone", "07700 900123")
    page.check("#id_guardians-0-holds_consent")


def test_child_with_eyelid_twitching_to_a_booked_follow_up(
    page, log_in, neurologist, scheduler
):
    UserFactory(roles=["Neurologist"], first_name="Nia", last_name="Okafor")
    born = timezone.localdate().replace(year=timezone.localdate().year - 9)
    log_in(neurologist)
    patient = new_patient(
        page,
        mrn="CH-3001",
        given="Tomos",
        family="Arkwright",
        born=born,
        weight_kg="29",
        weight_measured_on=timezone.localdate().isoformat(),
        also=the_mother_consents,
    )
    assert patient.guardians.get().full_name == "Carys Arkwright"
    case = open_case(
        page,
        patient,
        condition=Condition.HEMIFACIAL_SPASM,
        side="right",
        onset=timezone.localdate() - datetime.timedelta(days=60),
    )
    raised = [entry.flag for entry in case.red_flag_entries()]
    assert RedFlag.CHILD_HEMIFACIAL_SPASM in raised
    page.goto(patient.get_absolute_url())
    page.get_by_role("link", name="Order an MRI").first.click()
    assert page.input_value("#id_modality") == "mri"
    page.fill("#id_description", "MRI brain with posterior fossa views")
    page.get_by_role("button", name="Order study").click()
    saved(page, "Study ordered.")
    assert DiagnosticStudy.objects.get(case=case).modality == "mri"
    expect(page.get_by_role("link", name="Order an MRI")).to_have_count(0)

    sign_in_as(page, log_in, scheduler)
    appointment = book_first_free_time(page, patient)
    assert appointment.starts_at > timezone.now()
