"""The demo-data command: realistic, within every rule, and safe to run twice."""

import io
import json
import re
from collections import defaultdict
from datetime import time, timedelta
from itertools import pairwise

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone
from simple_history.models import HistoricalChanges

from clinic.models import User
from patients import scales
from patients.models import Assessment, Case, Condition, Patient, RedFlag, StudyStatus
from scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CalendarFeed,
    Reminder,
)
from tests.factories import PatientFactory
from treatments import services
from treatments.models import (
    AdverseEffect,
    MedicationOrder,
    Product,
    Referral,
    ReferralFollowUp,
    ReferralStatus,
    TherapySession,
    ToxinSession,
)

ROLES = {
    "neurologist": "Neurologist",
    "neurologist2": "Neurologist",
    "injector": "Injector",
    "therapist": "Therapist",
    "scheduler": "Scheduler",
    "clinicadmin": "Clinic admin",
}
LOGIN_LINE = re.compile(
    r"^\s+.+?\s(?P<username>\S+) / (?P<password>\S+)$", re.MULTILINE
)
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def printed_logins(output: str) -> dict[str, str]:
    return {line["username"]: line["password"] for line in LOGIN_LINE.finditer(output)}


def snapshot() -> dict:
    """Row counts of every model, history included, and who the patients are."""
    models = [
        model
        for label in ("clinic", "patients", "treatments", "scheduling")
        for model in apps.get_app_config(label).get_models()
    ]
    counts = {model.__name__: model.objects.count() for model in models}
    patients = list(
        Patient.objects.order_by("mrn").values_list(
            "mrn", "given_name", "family_name", "date_of_birth"
        )
    )
    return {"counts": counts, "patients": patients}


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class SeededClinicTests(TestCase):
    """Checks on one seeded clinic. Seeding takes seconds, so the whole run seeds
    from empty twice, both here: once rolled back, to show the second seed makes
    the same records, and once kept for every test."""

    @classmethod
    def setUpTestData(cls):
        with transaction.atomic():
            seed()
            cls.first_database = snapshot()
            transaction.set_rollback(True)
        cls.output = seed()
        cls.database = snapshot()

    def test_it_is_deterministic_and_safe_to_run_twice(self):
        assert self.database == self.first_database

        output = seed()

        assert snapshot() == self.database
        assert "already present" in output
        assert set(printed_logins(output)) == set(ROLES)

    def test_it_creates_about_sixty_children_and_adults(self):
        patients = list(Patient.objects.all())
        children = [patient for patient in patients if patient.is_minor]
        adults = [patient for patient in patients if not patient.is_minor]
        assert 55 <= len(patients) <= 65
        assert 8 <= len(children) <= 12
        assert all(6 <= child.age <= 17 for child in children)
        assert all(20 <= adult.age <= 85 for adult in adults)
        for child in children:
            assert child.guardians.exists(), child
            assert child.weight_kg and child.weight_measured_on, child
        assert all(patient.mrn.startswith("DEMO-") for patient in patients)
        assert sum(patient.is_archived for patient in patients) == 1

    def test_it_covers_the_clinic_s_work(self):
        assert set(Case.objects.values_list("condition", flat=True)) == set(
            Condition.values
        )
        child_hfs = [
            case
            for case in Case.objects.filter(condition=Condition.HEMIFACIAL_SPASM)
            if case.patient.is_minor
        ]
        assert child_hfs
        assert all(
            RedFlag.CHILD_HEMIFACIAL_SPASM in c.red_flags_to_review for c in child_hfs
        )
        studies = Case.objects.values_list("studies__status", flat=True)
        assert StudyStatus.RESULTED in studies  # awaiting review
        assert StudyStatus.REVIEWED in studies
        products = set(ToxinSession.objects.values_list("product", flat=True))
        assert products == {
            Product.ONABOTULINUMTOXINA,
            Product.INCOBOTULINUMTOXINA,
            Product.ABOBOTULINUMTOXINA,
        }
        assert AdverseEffect.objects.exists()
        assert TherapySession.objects.exists()
        drugs = set(MedicationOrder.objects.values_list("drug", flat=True))
        assert {"clonazepam", "carbamazepine", "baclofen", "prednisolone"} <= drugs
        statuses = set(Referral.objects.values_list("status", flat=True))
        assert {ReferralStatus.SENT, ReferralStatus.OUTCOME_RECORDED} <= statuses
        assert ReferralFollowUp.objects.exists()

    def test_toxin_sessions_in_a_course_are_11_to_16_weeks_apart(self):
        days_by_course = defaultdict(list)
        sessions = ToxinSession.objects.order_by("performed_at")
        for course_id, performed_at in sessions.values_list("course", "performed_at"):
            days_by_course[course_id].append(timezone.localtime(performed_at).date())
        assert all(3 <= len(days) <= 8 for days in days_by_course.values())
        gaps = [
            (later - earlier).days
            for days in days_by_course.values()
            for earlier, later in pairwise(days)
        ]
        assert gaps
        assert all(77 <= gap <= 112 for gap in gaps), sorted(gaps)
        assert all(session.injections.exists() for session in sessions)

    def test_assessments_store_their_scale_scores_and_toxin_timing(self):
        assessments = Assessment.objects.select_related("case__patient")
        for assessment in assessments:
            result = scales.score(
                assessment.instrument, assessment.version, assessment.answers
            )
            assert assessment.score == result.primary
            # Stored as JSON, so Decimal totals come back as strings.
            expected = json.loads(json.dumps(result.totals, cls=DjangoJSONEncoder))
            assert assessment.totals == expected
            assert assessment.days_since_last_toxin == services.days_since_last_toxin(
                assessment.case.patient, assessment.assessed_on
            )
        assert assessments.filter(days_since_last_toxin__isnull=False).exists()

    def test_upcoming_appointments_never_double_book_a_clinician(self):
        now = timezone.now()
        upcoming = Appointment.objects.filter(starts_at__gt=now).order_by("starts_at")
        assert upcoming.count() >= 20
        assert set(upcoming.values_list("kind", flat=True)) >= {
            AppointmentKind.TOXIN_SESSION,
            AppointmentKind.FOLLOW_UP,
            AppointmentKind.THERAPY,
            AppointmentKind.NEW_PATIENT,
        }
        by_clinician = defaultdict(list)
        for appointment in upcoming:
            by_clinician[appointment.clinician_id].append(appointment)
            starts = timezone.localtime(appointment.starts_at)
            ends = timezone.localtime(appointment.ends_at)
            # Today's list is seen whatever the weekday; other days are weekdays.
            assert starts.weekday() < 5 or starts.date() == timezone.localdate()
            assert time(settings.CLINIC_DAY_STARTS_HOUR) <= starts.time()
            assert ends.time() <= time(settings.CLINIC_DAY_ENDS_HOUR)
            minutes = settings.CLINIC_APPOINTMENT_MINUTES[appointment.kind]
            assert ends - starts == timedelta(minutes=minutes)
            assert starts.date() <= timezone.localdate() + timedelta(weeks=6)
            assert not appointment.patient.is_archived
        for appointments in by_clinician.values():
            for earlier, later in pairwise(appointments):
                assert earlier.ends_at <= later.starts_at, (earlier.pk, later.pk)
        past = Appointment.objects.filter(starts_at__lt=now)
        assert past.filter(status=AppointmentStatus.COMPLETED).exists()

    def test_the_clinic_has_appointments_today_and_this_week(self):
        """Whatever the weekday of seeding, so the dashboard and calendars are
        alive on first run; today's are marked as the time of day stands."""
        today = timezone.localdate()
        active = Appointment.objects.exclude(
            status__in=[AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW]
        )
        todays = list(active.filter(starts_at__date=today))
        assert len(todays) >= 3
        assert len({appointment.clinician_id for appointment in todays}) >= 2
        week = active.filter(
            starts_at__date__gt=today, starts_at__date__lte=today + timedelta(days=7)
        )
        assert week.count() >= 5
        assert week.dates("starts_at", "day").count() >= 2
        now = timezone.now()
        for appointment in todays:
            if appointment.ends_at <= now:
                assert appointment.status == AppointmentStatus.COMPLETED
            elif appointment.starts_at > now:
                assert appointment.status == AppointmentStatus.CONFIRMED

    def test_every_toxin_session_was_charted_on_a_completed_appointment(self):
        sessions = ToxinSession.objects.select_related("course__case")
        completed = set(
            Appointment.objects.filter(
                kind=AppointmentKind.TOXIN_SESSION,
                status=AppointmentStatus.COMPLETED,
            ).values_list("patient_id", "starts_at")
        )
        for session in sessions:
            key = (session.course.case.patient_id, session.performed_at)
            assert key in completed, session.pk

    def test_each_role_logs_in_with_the_printed_password(self):
        logins = printed_logins(self.output)
        assert set(logins) == set(ROLES)
        for username, role in ROLES.items():
            # Through the sign-in page, as a person (and the lockout) sees it.
            self.client.post(
                "/accounts/login/",
                {"username": username, "password": logins[username]},
            )
            assert self.client.session.get("_auth_user_id"), username
            self.client.logout()
            user = User.objects.get(username=username)
            assert list(user.groups.values_list("name", flat=True)) == [role]
            assert user.is_staff is True
            assert user.is_superuser is False
        assert User.objects.get(username="injector").credentials == "RN"

    def test_every_clinical_record_passes_full_clean(self):
        """Every model, with constraints; large tables are sampled to stay quick."""
        for label in ("patients", "treatments", "scheduling"):
            for model in apps.get_app_config(label).get_models():
                # Reminders and calendar feeds are made by commands and users,
                # not by demo data.
                if issubclass(model, HistoricalChanges) or model in (
                    Reminder,
                    CalendarFeed,
                ):
                    continue
                pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
                assert pks, f"no demo {model.__name__}"
                sample = pks[:: max(1, len(pks) // 40)]
                for record in model.objects.filter(pk__in=sample):
                    record.full_clean()


@pytest.mark.django_db
def test_if_empty_leaves_a_database_with_patients_alone():
    PatientFactory()
    before = snapshot()

    output = seed("--if-empty")

    assert snapshot() == before
    assert "nothing seeded" in output
    assert all(f"{username} / demo-{username}" in output for username in ROLES)
