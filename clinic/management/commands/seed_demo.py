"""Fill the database with a deterministic, realistic demo clinic.

    manage.py seed_demo             # seed, unless the demo patients are already there
    manage.py seed_demo --if-empty  # seed only a database without any patient

About 60 fictional patients (MRN prefix DEMO-) with cases, studies, scores over
time, toxin courses, therapy, medication, MVD referrals and appointments from
today over the next six weeks, and one login per role. The data is in
clinic/demo/ (people.py, stories.py, plan.py); clinic/demo/builder.py writes it
through the product's write services and settings.
"""

import time as clock

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from clinic.demo.builder import build_demo_clinic
from clinic.demo.people import DEMO_USERS
from clinic.demo.plan import DEMO_MRN_PREFIX, PATIENT_PLAN
from clinic.models import User
from patients.models import Patient

# What the seed command counts when it is done, as app_label.Model.
COUNTED_MODELS = (
    "patients.Patient",
    "patients.Guardian",
    "patients.Case",
    "patients.DiagnosticStudy",
    "patients.StudyAmendment",
    "patients.Assessment",
    "treatments.TreatmentCourse",
    "treatments.ToxinSession",
    "treatments.Vial",
    "treatments.Injection",
    "treatments.AdverseEffect",
    "treatments.TherapySession",
    "treatments.MedicationOrder",
    "treatments.Referral",
    "treatments.ReferralFollowUp",
    "scheduling.Appointment",
)


SECOND_FACTOR_HOW_TO = (
    "Signing in takes a second step: the first time, each account sets up an "
    "authenticator app on a phone (Google Authenticator, Microsoft "
    "Authenticator, FreeOTP...): scan the QR code the page shows, enter the "
    "6-digit code, and keep the ten recovery codes shown once. Later sign-ins "
    "ask for the app's current code. (CLINIC_REQUIRE_2FA=0 make run skips it.)"
)


class Command(BaseCommand):
    help = (
        "Create a demo clinic: about 60 fictional patients with their records, and "
        "one login per role. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Seed only when the database has no patients at all.",
        )

    def handle(self, *args, if_empty=False, **options):
        started = clock.monotonic()
        if if_empty and Patient.objects.exists():
            self.stdout.write("The database already has patients: nothing seeded.")
        else:
            with transaction.atomic():
                users = self.ensure_demo_users()
                if Patient.objects.filter(mrn__startswith=DEMO_MRN_PREFIX).exists():
                    self.stdout.write(
                        "Demo data is already present: no records created, demo "
                        "passwords reset."
                    )
                else:
                    self.seed(users)
                    seconds = clock.monotonic() - started
                    self.stdout.write(
                        self.style.SUCCESS(f"Demo clinic ready in {seconds:.1f} s.")
                    )
        self.write_logins()

    def ensure_demo_users(self) -> dict[str, User]:
        users = {}
        for demo in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=demo.username)
            user.first_name = demo.first_name
            user.last_name = demo.last_name
            user.credentials = demo.credentials
            user.email = f"{demo.username}@clinic.example.org"
            user.is_staff = True
            user.is_superuser = False
            user.is_active = True
            user.set_password(demo.password)
            user.save()
            user.groups.set([Group.objects.get(name=demo.role)])
            users[demo.username] = user
        self.stdout.write(f"Demo users ready: {len(users)}.")
        return users

    def seed(self, users):
        patients = sum(row.count for row in PATIENT_PLAN)
        self.stdout.write(
            f"Creating {patients} patients with cases, studies, scores, treatments "
            "and appointments… ",
            ending="",
        )
        self.stdout.flush()
        build_demo_clinic(users)
        self.stdout.write("done")
        for label in COUNTED_MODELS:
            model = apps.get_model(label)
            count = model.objects.count()
            self.stdout.write(f"  {model._meta.verbose_name_plural}: {count}")

    def write_logins(self):
        present = set(
            User.objects.filter(
                username__in=[demo.username for demo in DEMO_USERS]
            ).values_list("username", flat=True)
        )
        self.stdout.write("Demo logins (username / password):")
        for demo in DEMO_USERS:
            missing = "" if demo.username in present else "  (not in this database)"
            self.stdout.write(
                f"  {demo.role:<13} {demo.username} / {demo.password}{missing}"
            )
        self.stdout.write(SECOND_FACTOR_HOW_TO)
