"""On PostgreSQL, the database refuses overlapping active appointments: one per
clinician and one per patient at any moment (STYLE.md 4.5).

The booking service checks the same rule and gives the message; these constraints
hold it when two bookings race past that check. They are not in the model state
(an EXCLUDE constraint breaks SQLite), so this migration is a no-op on SQLite and
makemigrations does not see them. Cancelled and no-show appointments free their
time; ranges are half-open, so one appointment may start when another ends.

The statuses are written out here, not imported, so that this migration keeps
meaning what it meant when it ran.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import (
    DateTimeRangeField,
    RangeBoundary,
    RangeOperators,
)
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations, models
from django.db.models import Q

ACTIVE_STATUSES = ["booked", "confirmed", "arrived", "completed"]


class TstzRange(models.Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


def _no_overlap(name: str, column: str) -> ExclusionConstraint:
    return ExclusionConstraint(
        name=name,
        expressions=[
            (column, RangeOperators.EQUAL),
            # '[)': the end is not part of the appointment.
            (
                TstzRange("starts_at", "ends_at", RangeBoundary()),
                RangeOperators.OVERLAPS,
            ),
        ],
        condition=Q(status__in=ACTIVE_STATUSES),
    )


NO_OVERLAP = [
    _no_overlap("treatments_appointment_clinician_no_overlap", "clinician"),
    _no_overlap("treatments_appointment_patient_no_overlap", "patient"),
]


def add_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Appointment = apps.get_model("treatments", "Appointment")
    for constraint in NO_OVERLAP:
        schema_editor.add_constraint(Appointment, constraint)


def remove_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Appointment = apps.get_model("treatments", "Appointment")
    for constraint in NO_OVERLAP:
        schema_editor.remove_constraint(Appointment, constraint)


class Migration(migrations.Migration):
    dependencies = [("treatments", "0008_scheduling_roles")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_constraints, remove_constraints),
    ]
