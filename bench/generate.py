"""Builds a realistic clinic of N patients in a PostgreSQL database, fast.

The database is created and migrated as the product's migrations make it (every
constraint, index, trigger and the appointment exclusion constraints in place).
The staff are made with the ORM and given their roles through
clinic.accounts.change_roles, the one way roles are given. Every other row is
generated here with ids chosen here, spooled as COPY text and loaded with
PostgreSQL COPY, parents first; then the id sequences are moved on and the
tables vacuumed and analysed.

What is left empty: the django-simple-history tables (historical*). Each row
written through a service gets one history row there, but the history pages are
not among the pages timed, so loading as many again would only lengthen the
build. Sessions are not written either: the measurement signs its users in.
"""

import io
import json
import random
import time
import zoneinfo
from dataclasses import dataclass, field

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from bench.schedule import Schedule
from bench.stories import Stories
from bench.tables import Spool
from clinic.accounts import change_roles
from clinic.models import AccessLog, Letter, Role, User
from patients.models import (
    Assessment,
    Case,
    DiagnosticStudy,
    Guardian,
    Patient,
    RedFlagAcknowledgement,
    StudyAmendment,
)
from scheduling.models import (
    Appointment,
    CalendarFeed,
    RecallContact,
    Reminder,
    WaitlistEntry,
)
from treatments.models import (
    AdverseEffect,
    Injection,
    MedicationOrder,
    Referral,
    ReferralFollowUp,
    SafetyFlag,
    TherapySession,
    ToxinSession,
    TreatmentCourse,
    Vial,
)

SEED = 20_260_101
# Parents before children: COPY checks each foreign key as it loads.
LOAD_ORDER = (
    Patient,
    Guardian,
    Case,
    RedFlagAcknowledgement,
    DiagnosticStudy,
    StudyAmendment,
    Assessment,
    TreatmentCourse,
    ToxinSession,
    Vial,
    Injection,
    AdverseEffect,
    SafetyFlag,
    TherapySession,
    MedicationOrder,
    Referral,
    ReferralFollowUp,
    Appointment,
    Reminder,
    RecallContact,
    WaitlistEntry,
    CalendarFeed,
    Letter,
    AccessLog,
)
# The users the measurement signs in as, one per role.
ROLE_USERNAMES = {
    Role.NEUROLOGIST: "neurologist",
    Role.INJECTOR: "injector",
    Role.THERAPIST: "therapist",
    Role.SCHEDULER: "scheduler",
    Role.CLINIC_ADMIN: "clinicadmin",
}
META_TABLE = "bench_meta"


@dataclass
class Staff:
    """User ids by role; the first of each role is the one signed in."""

    neurologists: list[int] = field(default_factory=list)
    injectors: list[int] = field(default_factory=list)
    therapists: list[int] = field(default_factory=list)
    schedulers: list[int] = field(default_factory=list)
    admins: list[int] = field(default_factory=list)

    @property
    def clinicians(self) -> list[int]:
        return self.neurologists + self.injectors + self.therapists


def staff_counts(size: int) -> dict[str, int]:
    """Staff in proportion to the patients: ten busy clinics at 100,000."""
    return {
        Role.NEUROLOGIST: max(2, size // 8000),
        Role.INJECTOR: max(1, size // 8000),
        Role.THERAPIST: max(1, size // 25000),
        Role.SCHEDULER: max(1, size // 25000),
        Role.CLINIC_ADMIN: max(1, size // 50000),
    }


def server_params() -> dict:
    """How to reach the PostgreSQL server: the default connection's settings."""
    config = settings.DATABASES["default"]
    params = {
        "host": config.get("HOST") or "127.0.0.1",
        "port": config.get("PORT") or 5432,
        "user": config.get("USER") or "postgres",
        "dbname": "postgres",
    }
    if config.get("PASSWORD"):
        params["password"] = config["PASSWORD"]
    return params


def database_exists(name: str) -> bool:
    with psycopg.connect(**server_params(), autocommit=True) as server:
        found = server.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    return found is not None


def stored_meta(name: str) -> dict | None:
    """What a bench database says it holds (its size and seed), if it is one."""
    if not database_exists(name):
        return None
    with psycopg.connect(**{**server_params(), "dbname": name}) as db:
        table = db.execute("SELECT to_regclass(%s)", [META_TABLE]).fetchone()[0]
        if table is None:
            return None
        row = db.execute(f"SELECT meta FROM {META_TABLE}").fetchone()
    return row[0] if row else None


def use_database(name: str) -> None:
    """Point the default connection at `name`."""
    connection.close()
    connection.settings_dict["NAME"] = name


def recreate_database(name: str) -> None:
    connection.close()
    with psycopg.connect(**server_params(), autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}"')


def create_staff(size: int) -> Staff:
    """Staff users with their role groups, given by a superuser through
    change_roles (which records each role given)."""
    root = User.objects.create_superuser("bench-root", "root@bench.invalid", None)
    staff = Staff()
    lists = {
        Role.NEUROLOGIST: staff.neurologists,
        Role.INJECTOR: staff.injectors,
        Role.THERAPIST: staff.therapists,
        Role.SCHEDULER: staff.schedulers,
        Role.CLINIC_ADMIN: staff.admins,
    }
    for role, count in staff_counts(size).items():
        for number in range(count):
            base = ROLE_USERNAMES[role]
            username = base if number == 0 else f"{base}{number + 1}"
            user = User.objects.create_user(
                username,
                f"{username}@bench.invalid",
                None,
                first_name=role.split()[0],
                last_name=f"Bench {number + 1}",
                is_staff=True,
                credentials="MD" if role == Role.NEUROLOGIST else "",
            )
            change_roles(actor=root, user=user, roles=[role])
            lists[role].append(user.pk)
    return staff


def write_rows(size: int, staff: Staff, report) -> Spool:
    """Generate every patient's rows into the spool."""
    rng = random.Random(SEED)
    now = timezone.now()
    spool = Spool(LOAD_ORDER, now)
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    stories = Stories(spool, rng, staff, timezone.localdate(now), zone)
    schedule = Schedule(stories)
    started = time.monotonic()
    for number in range(1, size + 1):
        person = stories.patient(number)
        schedule.patient(person)
        if number % 20000 == 0:
            report(f"  {number:,} patients ({time.monotonic() - started:.0f} s)")
    schedule.recalls()
    schedule.feeds()
    return spool


def load(spool: Spool, report) -> dict[str, int]:
    raw = connection.connection
    with raw.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        counts = spool.load(cursor, report)
    raw.commit()
    return counts


def write_meta(name: str, meta: dict) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {META_TABLE} (meta jsonb NOT NULL)")
        cursor.execute(f"INSERT INTO {META_TABLE} VALUES (%s)", [json.dumps(meta)])


def generate(name: str, size: int, report=print) -> dict:
    """(Re)build database `name` with `size` patients; returns its meta."""
    started = time.monotonic()
    report(f"Building {name}: {size:,} patients")
    recreate_database(name)
    use_database(name)
    call_command("migrate", verbosity=0, interactive=False)
    report(f"  migrated ({time.monotonic() - started:.0f} s)")
    staff = create_staff(size)
    spool = write_rows(size, staff, report)
    report(f"  rows generated ({time.monotonic() - started:.0f} s)")
    counts = load(spool, report)
    # What the product stores derived from the rows, by its own rules.
    call_command("refresh_recall_facts", stdout=io.StringIO())
    Patient.objects.store_minor_without_guardian()
    report(f"  recall facts stored ({time.monotonic() - started:.0f} s)")
    with connection.cursor() as cursor:
        # As a long-lived database would be: statistics gathered, and the
        # visibility map set (index-only scans), so that autovacuum does not
        # start on the fresh tables while the pages are timed.
        cursor.execute("VACUUM (ANALYZE)")
    seconds = time.monotonic() - started
    meta = {
        "size": size,
        "seed": SEED,
        "generated_on": timezone.localdate().isoformat(),
        "seconds": round(seconds, 1),
        "counts": counts,
    }
    write_meta(name, meta)
    report(f"Built {name} in {seconds:.0f} s")
    return meta
