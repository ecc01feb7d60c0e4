"""Every clinician-UI URL, opened by every role: the status each must get.

A new URL fails `test_every_url_is_in_the_table` until it is added here, so no page
can ship without its access rules being stated and checked.
"""

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from clinic.models import BackgroundJob, JobStatus

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "no_role",
    "neurologist",
    "injector",
    "therapist",
    "scheduler",
    "admin",
]

# Text that only clinical records produce, from the records made below.
CLINICAL_TEXT = [
    "Hemifacial spasm",
    "G51.31",
    "Jankovic",
    "Botox",
    "onabotulinumtoxinA",
    "AICA loop",
    "clonazepam",
    "Neurosurgery",
    "Facial retraining",
    "Twitching with facial weakness",
]

# Scheduling facts that a page may show although elsewhere they count as clinical
# text: the recall list names the product of the last session (issue 4, "Recall").
SCHEDULING_TEXT = {"scheduling:recall_list": {"Botox", "onabotulinumtoxinA"}}


def allowed(*roles, status=200, others=403):
    """Expected status per logged-in role; anonymous users go to the login page."""
    expected = {role: (status if role in roles else others) for role in ROLES}
    expected["anonymous"] = 302
    return expected


EVERYONE = ("neurologist", "injector", "therapist", "scheduler", "admin")
CLINICIANS = ("neurologist", "injector", "therapist", "admin")
# Any signed-in user, with a role or none yet: the dashboard and their password.
SIGNED_IN = (*EVERYONE, "no_role")

# url name -> (path arguments from the records, expected status per role)
TABLE = {
    "home": (None, allowed(*SIGNED_IN)),
    # The worklist of results awaiting review: the roles that see studies.
    "worklist": ("worklist", allowed(*CLINICIANS)),
    "patient_chart": ("patient", allowed(*EVERYONE)),
    "patient_chart_print": ("patient", allowed(*EVERYONE)),
    # FHIR: each role gets the kinds of record it may view.
    "patient_fhir": ("patient", allowed(*EVERYONE)),
    # The whole record: the roles that read every kind of record.
    "patient_record_export": ("patient", allowed("neurologist", "admin")),
    "patient_merge": ("patient", allowed("neurologist", "admin")),
    # A letter after a toxin session: produced by the roles that chart sessions
    # or run the clinic, read by the clinical roles.
    "letter_preview": (
        ("post_session", "session"),
        allowed("neurologist", "injector", "admin"),
    ),
    "letter_pdf": ("letter", allowed(*CLINICIANS)),
    "patient_access_log": ("patient", allowed("neurologist", "admin")),
    # Background jobs: a job is its requester's alone (here the Clinic admin's).
    "job_list": (None, allowed(*SIGNED_IN)),
    "job_detail": ("job", allowed("admin", others=404)),
    "job_download": ("job", allowed("admin", others=404)),
    "password_change": (None, allowed(*SIGNED_IN)),
    "password_change_done": (None, allowed(*SIGNED_IN)),
    "language_settings": (None, allowed(*SIGNED_IN)),
    "patients:patient_list": (None, allowed(*EVERYONE)),
    # The list exports answer 400 without ?format=, to those who may export.
    "patients:patient_list_export": (
        None,
        allowed("neurologist", "scheduler", "admin", status=400),
    ),
    "patients:patient_create": (None, allowed("neurologist", "scheduler", "admin")),
    "patients:patient_update": (
        "patient",
        allowed("neurologist", "scheduler", "admin"),
    ),
    "patients:case_create": ("patient", allowed("neurologist", "admin")),
    "patients:case_update": ("case", allowed("neurologist", "admin")),
    # Only neurologists acknowledge red flags; the clinic admin neither.
    "patients:red_flag_acknowledge": ("case", allowed("neurologist")),
    "patients:study_create": ("case", allowed("neurologist", "admin")),
    "patients:study_detail": ("study", allowed(*CLINICIANS)),
    "patients:study_amend": ("study", allowed(*SIGNED_IN, status=405)),
    "patients:study_update": ("study", allowed("neurologist", "admin")),
    # POST only: every signed-in user is told the method is not allowed.
    "patients:study_review": ("study", allowed(*SIGNED_IN, status=405)),
    "patients:study_report": ("study", allowed(*CLINICIANS)),
    "treatments:toxinsession_create": (
        "course",
        allowed("neurologist", "injector", "admin"),
    ),
    "treatments:toxinsession_detail": ("session", allowed(*CLINICIANS)),
    "treatments:toxinsession_update": (
        "session",
        allowed("neurologist", "injector", "admin"),
    ),
    "treatments:toxinsession_followup": (
        "session",
        allowed("neurologist", "injector", "admin"),
    ),
    "scheduling:lot_lookup": (None, allowed(*CLINICIANS)),
    "scheduling:lot_export": (None, allowed("neurologist", "admin", status=400)),
    # POST only: every signed-in user is told the method is not allowed.
    "treatments:safetyflag_acknowledge": ("flag", allowed(*SIGNED_IN, status=405)),
    "treatments:assessment_create": ("case", allowed(*CLINICIANS)),
    "treatments:assessment_update": ("assessment", allowed(*CLINICIANS)),
    "treatments:course_create": ("case", allowed("neurologist", "admin")),
    "treatments:course_update": ("course", allowed("neurologist", "admin")),
    "treatments:therapysession_create": (
        "therapy_course",
        allowed("neurologist", "therapist", "admin"),
    ),
    "treatments:therapysession_update": (
        "therapy",
        allowed("neurologist", "therapist", "admin"),
    ),
    "treatments:medication_create": (
        "medication_course",
        allowed("neurologist", "admin"),
    ),
    "treatments:medication_update": ("medication", allowed("neurologist", "admin")),
    "treatments:referral_create": ("referral_course", allowed("neurologist", "admin")),
    "treatments:referral_update": ("referral", allowed("neurologist", "admin")),
    "treatments:referral_followup_create": (
        "referral",
        allowed("neurologist", "admin"),
    ),
    "scheduling:recall_list": (
        None,
        allowed("neurologist", "injector", "scheduler", "admin"),
    ),
    "scheduling:recall_export": (
        None,
        allowed("neurologist", "scheduler", "admin", status=400),
    ),
    "scheduling:recall_contact_create": (
        "course",
        allowed("neurologist", "scheduler", "admin"),
    ),
    "scheduling:calendar_day": (None, allowed(*EVERYONE)),
    "scheduling:calendar_week": (None, allowed(*EVERYONE)),
    "scheduling:calendar_feed_settings": (None, allowed(*EVERYONE)),
    "scheduling:appointment_ics": ("calendar_appointment", allowed(*EVERYONE)),
    "scheduling:appointment_book": (None, allowed("neurologist", "scheduler", "admin")),
    "scheduling:appointment_detail": ("appointment", allowed(*EVERYONE)),
    "scheduling:appointment_reschedule": (
        "appointment",
        allowed("neurologist", "scheduler", "admin"),
    ),
    "scheduling:appointment_cancel": (
        "appointment",
        allowed("neurologist", "scheduler", "admin"),
    ),
    # POST only: every signed-in user is told the method is not allowed.
    "scheduling:appointment_status": ("appointment", allowed(*SIGNED_IN, status=405)),
    "scheduling:waitlist_list": (None, allowed("neurologist", "scheduler", "admin")),
    "scheduling:waitlist_create": (None, allowed("neurologist", "scheduler", "admin")),
}

# The pages that only answer POST, by the roles whose POST is let through.
POST_ONLY = {
    "patients:study_amend": ("neurologist",),
    "patients:study_review": ("neurologist",),
    "treatments:safetyflag_acknowledge": ("neurologist",),
    "scheduling:appointment_status": ("neurologist", "scheduler", "admin"),
}

# Pages outside the role rules: the admin (its own tests), and the auth pages that
# must answer anonymous users.
SKIPPED_NAMESPACES = {"admin"}
# The calendar feed answers its secret token, not a login (tests/treatments/
# test_calendar_views.py); the health checks answer a load balancer
# (tests/clinic/test_faults.py); the second step of signing in comes before any
# role applies (tests/clinic/test_second_factor.py).
PUBLIC = {
    "login",
    "logout",
    "scheduling:calendar_feed",
    "healthz",
    "readyz",
    "second_factor",
    "second_factor_enrol",
    # Any signed-in user's session (tests/clinic/test_session_limits.py).
    "keep_alive",
    # A forgotten password (tests/clinic/test_password_reset.py).
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


@pytest.fixture(name="records")
def records_with_a_job(records, users):
    """The records, and a finished export of the Clinic admin's with its file."""
    job = BackgroundJob(
        requested_by=users["admin"],
        title="Patients (CSV)",
        runner="patients.views.patient_list_export_job",
        status=JobStatus.DONE,
        rows_done=1,
        rows_total=1,
        permissions=["patients.export_patient_lists"],
        patient_ids=[records["patient"].pk],
    )
    job.file.save("patients.csv", ContentFile(b"MRN\r\n"), save=False)
    job.save()
    return {**records, "job": job}


def url_names(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            if inner in SKIPPED_NAMESPACES:
                continue
            prefix = f"{namespace}{inner}:" if inner else namespace
            yield from url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_table():
    assert set(url_names()) - PUBLIC == set(TABLE)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_everywhere(client, records, users, role):
    if users[role] is not None:
        client.force_login(users[role])
    answers = {}
    for name in TABLE:
        response = client.get(table_url(name, records))
        answers[name] = response.status_code
        if role == "anonymous" and response.status_code == 302:
            assert response["Location"].startswith(reverse("login")), name
        if role == "scheduler" and response.status_code == 200:
            content = response.content.decode()
            allowed_here = SCHEDULING_TEXT.get(name, set())
            leaked = [
                text
                for text in CLINICAL_TEXT
                if text in content and text not in allowed_here
            ]
            assert leaked == [], f"{name} shows clinical text to schedulers"
    assert answers == {name: expected[role] for name, (_, expected) in TABLE.items()}


def clinical_record_versions() -> dict[str, int]:
    """How many history rows each record has: any write adds one."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.model_name.startswith("historical")
    }


def table_url(name, records):
    argument = TABLE[name][0]
    if argument is None:
        return reverse(name)
    if isinstance(argument, tuple):  # a fixed first argument, then a record
        fixed, argument = argument
        return reverse(name, args=[fixed, records[argument].pk])
    record = records[argument]
    return reverse(name, args=[record if isinstance(record, str) else record.pk])


@pytest.mark.parametrize("role", ROLES)
def test_a_refused_role_is_refused_its_post_too_and_nothing_is_written(
    client, records, users, role
):
    """Posting (empty data) to every page a role may not open answers 403, or 405
    where the page takes no POST; anonymous users go to the login page."""
    if users[role] is not None:
        client.force_login(users[role])
    refused = [
        name
        for name, (_, expected) in TABLE.items()
        if expected[role] in (302, 403)
        or (name in POST_ONLY and role not in POST_ONLY[name])
    ]
    before = clinical_record_versions()
    answers = {
        name: client.post(table_url(name, records)).status_code for name in refused
    }
    wrong = {
        name: status
        for name, status in answers.items()
        if status not in ((302, 405) if role == "anonymous" else (403, 405))
    }
    assert wrong == {}
    assert clinical_record_versions() == before
    # Each POST-only page refuses with 403, not 405: its permission is checked.
    assert all(
        answers[name] == (302 if role == "anonymous" else 403)
        for name in POST_ONLY
        if name in answers
    )


@pytest.mark.parametrize("name", POST_ONLY)
def test_a_post_only_page_lets_its_roles_post(client, records, users, name):
    for role in POST_ONLY[name]:
        client.force_login(users[role])
        assert client.post(table_url(name, records)).status_code not in (403, 405, 500)


def test_login_page_is_public(client):
    assert client.get(reverse("login")).status_code == 200
