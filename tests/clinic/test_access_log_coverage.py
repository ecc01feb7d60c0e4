"""Every page that shows one patient's data writes an access-log row when it is
opened: who, which patient, what record, when, from where and under which request
id; lists and POST-only pages write none.

A new clinician-UI URL fails `test_every_url_is_audited_or_exempt` until it is put
in AUDITED or, with its reason, in NOT_AUDITED; a new admin of patient records
fails `test_every_patient_record_admin_is_audited` until it has a maker here.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from clinic.models import AccessLog, Letter
from patients.admin import ReachesPatient
from scheduling.models import Reminder
from tests.clinic.test_access import (  # noqa: F401 (the records, with a job)
    TABLE,
    records_with_a_job,
    table_url,
)
from tests.factories import (
    RecallContactFactory,
    ToxinSessionFactory,
    UserFactory,
    WaitlistEntryFactory,
)
from tests.patients.test_admin import admin_url
from tests.test_admin_pages import MODELS
from treatments.models import SafetyFlag

pytestmark = pytest.mark.django_db

VIEW, PRINT, EXPORT, DOWNLOAD = "view", "print", "export", "download"

# url name -> (the role that opens it, the record shown: a key of the records
# fixture for a saved one, a model label for a blank form, "" for the chart; the
# action logged)
AUDITED = {
    "patient_chart": ("neurologist", "", VIEW),
    "patient_chart_print": ("neurologist", "", PRINT),
    "patient_access_log": ("neurologist", "clinic.accesslog", VIEW),
    "patient_fhir": ("neurologist", "", EXPORT),
    "patient_record_export": ("neurologist", "", EXPORT),
    "patient_merge": ("neurologist", "", VIEW),
    "letter_preview": ("injector", "session", VIEW),
    "letter_pdf": ("therapist", "letter", DOWNLOAD),
    "patients:patient_update": ("neurologist", "patient", VIEW),
    "patients:case_create": ("neurologist", "patients.case", VIEW),
    "patients:case_update": ("neurologist", "case", VIEW),
    "patients:red_flag_acknowledge": ("neurologist", "case", VIEW),
    "patients:study_create": ("neurologist", "patients.diagnosticstudy", VIEW),
    "patients:study_detail": ("therapist", "study", VIEW),
    "patients:study_update": ("neurologist", "study", VIEW),
    "patients:study_report": ("injector", "study", DOWNLOAD),
    "treatments:toxinsession_create": ("injector", "treatments.toxinsession", VIEW),
    "treatments:toxinsession_detail": ("therapist", "session", VIEW),
    "treatments:toxinsession_update": ("injector", "session", VIEW),
    "treatments:toxinsession_followup": ("injector", "session", VIEW),
    "treatments:assessment_create": ("therapist", "patients.assessment", VIEW),
    "treatments:assessment_update": ("therapist", "assessment", VIEW),
    "treatments:course_create": ("neurologist", "treatments.treatmentcourse", VIEW),
    "treatments:course_update": ("neurologist", "course", VIEW),
    "treatments:therapysession_create": (
        "therapist",
        "treatments.therapysession",
        VIEW,
    ),
    "treatments:therapysession_update": ("therapist", "therapy", VIEW),
    "treatments:medication_create": (
        "neurologist",
        "treatments.medicationorder",
        VIEW,
    ),
    "treatments:medication_update": ("neurologist", "medication", VIEW),
    "treatments:referral_create": ("neurologist", "treatments.referral", VIEW),
    "treatments:referral_update": ("neurologist", "referral", VIEW),
    "treatments:referral_followup_create": (
        "neurologist",
        "treatments.referralfollowup",
        VIEW,
    ),
    "scheduling:recall_contact_create": (
        "scheduler",
        "scheduling.recallcontact",
        VIEW,
    ),
    "scheduling:appointment_ics": ("scheduler", "calendar_appointment", EXPORT),
    "scheduling:appointment_book": ("scheduler", "scheduling.appointment", VIEW),
    "scheduling:appointment_detail": ("scheduler", "appointment", VIEW),
    "scheduling:appointment_reschedule": ("scheduler", "appointment", VIEW),
    "scheduling:appointment_cancel": ("scheduler", "appointment", VIEW),
    "scheduling:waitlist_create": ("scheduler", "scheduling.waitlistentry", VIEW),
}

# The pages that choose their patient by ?patient= (without it they ask for one).
PATIENT_CHOSEN_BY_QUERY = {"scheduling:appointment_book", "scheduling:waitlist_create"}

POST_ONLY = "answers POST only: what it writes is in the record's history"
LIST = "a list of many patients, to find one: opening any of them is logged"
NOT_AUDITED = {
    "home": LIST,
    "worklist": LIST,
    "patients:patient_list": LIST,
    "scheduling:lot_lookup": LIST,
    "scheduling:recall_list": LIST,
    "scheduling:calendar_day": LIST,
    "scheduling:calendar_week": LIST,
    "scheduling:waitlist_list": LIST,
    "patients:patient_create": "a blank form: no patient yet",
    "password_change": "the user's own account, no patient data",
    "password_change_done": "the user's own account, no patient data",
    "language_settings": "the user's own interface language, no patient data",
    "scheduling:calendar_feed_settings": "the user's own feed address",
    "job_list": "the user's own jobs: titles and row counts, no patient data",
    "job_detail": "a job's progress: its title and row counts, no patient data",
    "patients:study_amend": POST_ONLY,
    "patients:study_review": POST_ONLY,
    "treatments:safetyflag_acknowledge": POST_ONLY,
    "scheduling:appointment_status": POST_ONLY,
}


# A list's file logs one row per patient in it (tests/clinic/test_list_exports.py),
# and so does a background job's (tests/clinic/test_background_exports.py).
LOGGED_PER_ROW = {
    "patients:patient_list_export",
    "scheduling:recall_export",
    "scheduling:lot_export",
    "job_download",
}


def test_every_url_is_audited_or_exempt():
    assert not set(AUDITED) & set(NOT_AUDITED)
    assert not (set(AUDITED) | set(NOT_AUDITED)) & LOGGED_PER_ROW
    assert set(AUDITED) | set(NOT_AUDITED) | LOGGED_PER_ROW == set(TABLE)


def audited_url(name, records):
    url = table_url(name, records)
    if name in PATIENT_CHOSEN_BY_QUERY:
        url += f"?patient={records['patient'].pk}"
    return url


@pytest.mark.parametrize("name", AUDITED)
def test_opening_the_page_logs_who_what_when_and_from_where(
    client, records, users, name
):
    role, shown, action = AUDITED[name]
    client.force_login(users[role])

    response = client.get(audited_url(name, records), REMOTE_ADDR="192.0.2.17")

    assert response.status_code == 200
    log = AccessLog.objects.get()
    if shown in records:
        record = records[shown]
        expected_record = (record._meta.label_lower, record.pk)
    else:
        expected_record = (shown, None)
    assert (log.user, log.patient, log.action) == (
        users[role],
        records["patient"],
        action,
    )
    assert (log.record_type, log.record_id) == expected_record
    assert log.address == "192.0.2.17"
    assert log.request_id == response["X-Request-ID"]


@pytest.mark.parametrize("name", NOT_AUDITED)
def test_lists_and_post_only_pages_log_nothing(client, records, users, name):
    client.force_login(users["admin"])

    assert client.get(table_url(name, records)).status_code in (200, 405)

    assert not AccessLog.objects.exists()


def test_a_form_sent_back_with_errors_is_not_logged_again(client, records, users):
    client.force_login(users["neurologist"])
    url = table_url("patients:case_update", records)
    client.get(url)

    response = client.post(url, {"condition": ""})

    assert response.status_code == 200 and response.context["form"].errors
    assert AccessLog.objects.count() == 1


def test_behind_the_proxy_the_address_is_the_one_it_saw(
    client, records, users, settings
):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client.force_login(users["neurologist"])

    client.get(
        table_url("patient_chart", records),
        HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.4",
        HTTP_X_FORWARDED_PROTO="https",
        secure=True,
    )

    assert AccessLog.objects.get().address == "198.51.100.4"


def test_an_address_that_is_no_address_is_left_empty(client, records, users):
    client.force_login(users["neurologist"])

    client.get(table_url("patient_chart", records), REMOTE_ADDR="unknown")

    assert AccessLog.objects.get().address is None


def make_safety_flag():
    session = ToxinSessionFactory()
    return SafetyFlag.objects.create(
        session=session,
        code="consent_missing",
        message="Consent.",
        raised_by=session.injector,
    )


def make_reminder():
    from tests.factories import AppointmentFactory

    appointment = AppointmentFactory()
    return Reminder.objects.create(
        appointment=appointment,
        for_starts_at=appointment.starts_at,
        recipient="patient@example.org",
    )


def make_letter():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import AppointmentFactory

    appointment = AppointmentFactory()
    return Letter.objects.create(
        kind="appointment",
        patient=appointment.patient,
        appointment=appointment,
        recipient="The patient",
        pdf=SimpleUploadedFile("letter.pdf", b"%PDF-1.7 letter"),
        produced_by=appointment.clinician,
    )


# The admins of patient records that tests/test_admin_pages.py does not make.
MORE_MODELS = [
    pytest.param(Letter, make_letter, id="letter"),
    pytest.param(SafetyFlag, make_safety_flag, id="safety-flag"),
    pytest.param(Reminder, make_reminder, id="reminder"),
    pytest.param(
        RecallContactFactory._meta.get_model_class(),
        RecallContactFactory,
        id="recall-contact",
    ),
    pytest.param(
        WaitlistEntryFactory._meta.get_model_class(),
        WaitlistEntryFactory,
        id="waitlist",
    ),
]
ADMIN_MODELS = [
    pytest.param(param.values[0], param.values[1], id=param.id) for param in MODELS
] + MORE_MODELS


def test_every_patient_record_admin_is_audited():
    audited = {
        model
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ReachesPatient)
    }
    assert audited == {param.values[0] for param in ADMIN_MODELS}


def patient_of(obj):
    """The patient reached by following the admin's patient_path attribute by
    attribute."""
    path = admin.site._registry[type(obj)].patient_path
    for name in filter(None, path.split("__")):
        obj = getattr(obj, name)
    return obj.pk


@pytest.mark.parametrize(("model", "make"), ADMIN_MODELS)
@pytest.mark.parametrize("page", ["change", "history"])
def test_an_admin_page_of_a_patient_record_is_logged(client, model, make, page):
    obj = make()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)

    response = client.get(admin_url(model, page, obj.pk), REMOTE_ADDR="192.0.2.8")

    assert response.status_code == 200
    log = AccessLog.objects.get()
    assert (log.user, log.patient_id, log.action, log.address) == (
        superuser,
        patient_of(obj),
        VIEW,
        "192.0.2.8",
    )
    assert (log.record_type, log.record_id) == (model._meta.label_lower, obj.pk)


def test_an_admin_list_is_not_logged(client, records):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get(admin_url(SafetyFlag, "changelist")).status_code == 200

    assert not AccessLog.objects.exists()


def test_a_refused_admin_history_page_is_not_logged(client, records, users):
    client.force_login(users["scheduler"])
    url = reverse("admin:treatments_toxinsession_history", args=[records["session"].pk])

    assert client.get(url).status_code in (302, 403)

    assert not AccessLog.objects.exists()
