"""In Chromium, the main pages of a patient with a full record, opened by a
neurologist on a tablet (820 px) and a desktop (1366 px): none scrolls sideways,
and axe-core (the accessibility engine, through axe-playwright-python) finds no
critical or serious violation on any of them."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from clinic.models import BackgroundJob, JobStatus
from scheduling.models import AppointmentKind
from tests.factories import (
    AppointmentFactory,
    AssessmentFactory,
    InjectionFactory,
    MedicationOrderFactory,
    ResultedStudyFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
    VialFactory,
)
from treatments.models import CourseKind, Muscle, Side

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def a_full_record(neurologist) -> dict[str, str]:
    """A patient with a case, a study, a score, toxin and medication courses and
    a visit today; the pages that show them, by name."""
    session = ToxinSessionFactory(course__case__responsible_neurologist=neurologist)
    vial = VialFactory(session=session)
    for muscle in (
        Muscle.OO_PRETARSAL_UPPER_LATERAL,
        Muscle.OO_PRETARSAL_LOWER_LATERAL,
    ):
        InjectionFactory(session=session, vial=vial, muscle=muscle, side=Side.LEFT)
    case = session.course.case
    patient = case.patient
    study = ResultedStudyFactory(case=case)
    AssessmentFactory(case=case)
    MedicationOrderFactory(
        course=TreatmentCourseFactory(case=case, kind=CourseKind.MEDICATION)
    )
    soon = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(hours=1)
    AppointmentFactory(
        patient=patient,
        clinician=neurologist,
        kind=AppointmentKind.FOLLOW_UP,
        starts_at=soon,
        ends_at=soon + datetime.timedelta(minutes=30),
    )
    job = BackgroundJob(
        requested_by=neurologist,
        title="Patients (CSV)",
        runner="patients.views.patient_list_export_job",
        status=JobStatus.DONE,
        rows_done=1,
        rows_total=1,
        patient_ids=[patient.pk],
    )
    job.file.save("patients.csv", ContentFile(b"MRN\r\n"), save=False)
    job.save()
    return {
        "dashboard": reverse("home"),
        "patient list": reverse("patients:patient_list") + "?q=" + patient.family_name,
        "chart": patient.get_absolute_url(),
        "patient edit": reverse("patients:patient_update", args=[patient.pk]),
        "case edit": reverse("patients:case_update", args=[case.pk]),
        "study": reverse("patients:study_detail", args=[study.pk]),
        "toxin session": reverse("treatments:toxinsession_detail", args=[session.pk]),
        "toxin charting": reverse(
            "treatments:toxinsession_create", args=[session.course.pk]
        ),
        "new score": reverse("treatments:assessment_create", args=[case.pk]),
        "booking": reverse("scheduling:appointment_book") + f"?patient={patient.pk}",
        "day calendar": reverse("scheduling:calendar_day"),
        "week calendar": reverse("scheduling:calendar_week"),
        "recall list": reverse("scheduling:recall_list"),
        "lot look-up": reverse("scheduling:lot_lookup") + f"?lot={vial.lot_number}",
        "waitlist": reverse("scheduling:waitlist_list"),
        "letter preview": reverse("letter_preview", args=["post_session", session.pk]),
        "merge": reverse("patient_merge", args=[patient.pk]),
        "language": reverse("language_settings"),
        "export job": reverse("job_detail", args=[job.pk]),
        "my exports": reverse("job_list"),
    }


def grave_violations(page) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [
        f"{violation['impact']} {violation['id']}: {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in found
        if violation["impact"] in ("critical", "serious")
    ]


def test_no_main_page_scrolls_sideways_or_fails_axe(page, log_in, neurologist):
    pages = a_full_record(neurologist)
    page.goto(reverse("login"))
    problems = [f"login: {v}" for v in grave_violations(page)]
    log_in(neurologist)
    for width in (820, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            response = page.goto(path)
            assert response.status == 200, (name, response.status)
            scrolls = page.evaluate(
                "document.documentElement.scrollWidth > window.innerWidth"
            )
            if scrolls:
                problems.append(f"{name} at {width} px scrolls sideways")
            if width == 1366:
                problems += [f"{name}: {v}" for v in grave_violations(page)]
    assert problems == []
