"""The models' move from treatments to scheduling keeps a database's rows, its
constraints and the role groups' grants (scheduling 0001-0002, treatments 0016)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import PatientFactory

BEFORE = [
    ("treatments", "0015_safety_flag_roles"),
    ("clinic", "0007_clinic_admin_revokes_feeds"),
]
AFTER = [("scheduling", "0002_content_types_from_treatments")]
AT = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
MOVED = ["appointment", "recallcontact", "waitlistentry", "reminder", "calendarfeed"]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def grants(apps, role: str) -> set[tuple[str, str]]:
    group = apps.get_model("auth", "Group").objects.get(name=role)
    return set(
        group.permissions.filter(content_type__model__in=MOVED).values_list(
            "content_type__app_label", "codename"
        )
    )


def no_overlap_constraints() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'x' "
            "AND conrelid = 'treatments_appointment'::regclass"
        )
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rows_constraints_and_grants_survive_the_move(back_to_the_latest_schema):
    old_apps = migrate(BEFORE)
    # Patients as they are now; the user table as it was then (it gained columns
    # with the clinic migrations undone here).
    patient = PatientFactory()
    scheduler = old_apps.get_model("clinic", "User").objects.create(
        username="scheduler"
    )
    scheduler.groups.add(
        old_apps.get_model("auth", "Group").objects.get(name="Scheduler")
    )
    appointment = old_apps.get_model("treatments", "Appointment").objects.create(
        patient_id=patient.pk,
        clinician_id=scheduler.pk,
        kind="follow_up",
        starts_at=AT,
        ends_at=AT + datetime.timedelta(minutes=30),
    )
    before = {
        role: grants(old_apps, role)
        for role in Group.objects.values_list("name", flat=True)
    }
    assert ("treatments", "add_appointment") in before["Scheduler"]
    assert ("treatments", "override_booking_interval") in before["Neurologist"]
    assert ("treatments", "change_calendarfeed") in before["Clinic admin"]

    new_apps = migrate(AFTER)

    moved = new_apps.get_model("scheduling", "Appointment").objects.get()
    assert (moved.pk, moved.patient_id, moved.starts_at) == (
        appointment.pk,
        patient.pk,
        AT,
    )
    assert {role: grants(new_apps, role) for role in before} == {
        role: {("scheduling", codename) for _, codename in held}
        for role, held in before.items()
    }
    ContentType = new_apps.get_model("contenttypes", "ContentType")
    assert not ContentType.objects.filter(app_label="treatments", model__in=MOVED)
    # The scheduler holds it through the group (the user table is not yet the
    # current one here, so its model's has_perm cannot be asked).
    assert (
        new_apps.get_model("auth", "Permission")
        .objects.filter(
            group__user=scheduler.pk,
            content_type__app_label="scheduling",
            codename="add_appointment",
        )
        .exists()
    )
    if connection.vendor == "postgresql":
        assert no_overlap_constraints() == {
            "treatments_appointment_clinician_no_overlap",
            "treatments_appointment_patient_no_overlap",
        }
