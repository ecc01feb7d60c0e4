"""Sessions charted before vials existed keep their vial, sites and history."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import CaseFactory

BEFORE = [("treatments", "0009_appointment_no_overlap")]
AFTER = [("treatments", "0013_vial_roles")]
AT = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def old_session(apps):
    """A session with its vial fields, a site and two versions in its history."""
    # Patients as they are now; users (their table changed since, with the
    # clinic migrations after the letters, which need treatments) and the
    # treatments tables as they were.
    case = CaseFactory(condition="blepharospasm")
    user = apps.get_model("clinic", "User").objects.create(username="injector")
    course = apps.get_model("treatments", "TreatmentCourse").objects.create(
        case_id=case.pk,
        kind="botulinum_toxin",
        started_on=datetime.date(2026, 1, 1),
        responsible_clinician_id=user.pk,
        planned_interval_days=91,
    )
    vial = {
        "vial_size_units": 100,
        "lot_number": "C1234C3",
        "expiry_date": datetime.date(2027, 1, 31),
        "diluent": "0.9% sodium chloride, preservative-free",
        "diluent_volume_ml": Decimal("4.00"),
        "reconstituted_at": AT - datetime.timedelta(hours=1),
        "units_discarded": Decimal("95.00"),
        "waste_reason": "Remainder discarded.",
    }
    session = apps.get_model("treatments", "ToxinSession").objects.create(
        course=course,
        performed_at=AT,
        injector_id=user.pk,
        product="onabotulinumtoxina",
        **vial,
    )
    apps.get_model("treatments", "Injection").objects.create(
        session=session, muscle="frontalis", side="right", units=Decimal("5")
    )
    history = apps.get_model("treatments", "HistoricalToxinSession")
    fields = {
        f.attname: getattr(session, f.attname) for f in session._meta.concrete_fields
    }
    for when, lot, kind in [(AT, "C1234", "+"), (AT, "C1234C3", "~")]:
        history.objects.create(
            **{**fields, "lot_number": lot},
            history_date=when,
            history_type=kind,
            history_user_id=user.pk,
        )
    return session


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_session_becomes_one_vial_with_its_sites_and_history(
    back_to_the_latest_schema,
):
    old_apps = migrate(BEFORE)
    session = old_session(old_apps)
    new_apps = migrate(AFTER)
    [vial] = new_apps.get_model("treatments", "Vial").objects.filter(session=session.pk)
    assert (
        vial.size_units,
        vial.lot_number,
        vial.expiry_date,
        vial.diluent_volume_ml,
        vial.reconstituted_at,
        vial.units_discarded,
        vial.waste_reason,
    ) == (
        100,
        "C1234C3",
        datetime.date(2027, 1, 31),
        Decimal("4.00"),
        AT - datetime.timedelta(hours=1),
        Decimal("95.00"),
        "Remainder discarded.",
    )
    site = new_apps.get_model("treatments", "Injection").objects.get()
    assert site.vial_id == vial.pk
    history = new_apps.get_model("treatments", "HistoricalVial").objects.filter(
        id=vial.pk
    )
    assert list(
        history.order_by("history_id").values_list("lot_number", "history_type")
    ) == [
        ("C1234", "+"),
        ("C1234C3", "~"),
    ]
    assert timezone.is_aware(history.first().history_date)
