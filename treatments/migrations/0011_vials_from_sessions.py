"""Each existing session's vial fields become that session's one vial, and its
sites are charted from it. The vial's history is rebuilt from the session's, so
every earlier version of the lot, expiry and reconstitution stays on record.

Rows are copied as they are: a row that breaks a rule added later (a vial size
the product is not sold in, a ready-made product with a reconstitution) is kept
and listed by `manage.py toxin_rule_review`, never changed here."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

VIAL_FIELDS = {
    "size_units": "vial_size_units",
    "lot_number": "lot_number",
    "expiry_date": "expiry_date",
    "diluent": "diluent",
    "diluent_volume_ml": "diluent_volume_ml",
    "reconstituted_at": "reconstituted_at",
    "units_discarded": "units_discarded",
    "waste_reason": "waste_reason",
}
BATCH = 2000


def _vial_values(row) -> dict:
    return {vial: getattr(row, session) for vial, session in VIAL_FIELDS.items()}


def copy_vials(apps, schema_editor):
    ToxinSession = apps.get_model("treatments", "ToxinSession")
    Vial = apps.get_model("treatments", "Vial")
    Injection = apps.get_model("treatments", "Injection")
    batch = []
    for session in ToxinSession.objects.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(Vial(session_id=session.pk, **_vial_values(session)))
        if len(batch) >= BATCH:
            Vial.objects.bulk_create(batch)
            batch = []
    Vial.objects.bulk_create(batch)
    Injection.objects.update(
        vial=Subquery(
            Vial.objects.filter(session=OuterRef("session")).values("pk")[:1]
        )
    )
    copy_history(apps)


def copy_history(apps):
    HistoricalSession = apps.get_model("treatments", "HistoricalToxinSession")
    HistoricalVial = apps.get_model("treatments", "HistoricalVial")
    HistoricalInjection = apps.get_model("treatments", "HistoricalInjection")
    Vial = apps.get_model("treatments", "Vial")
    vial_of_session = dict(Vial.objects.values_list("session_id", "pk"))
    batch = []
    for row in HistoricalSession.objects.order_by("history_id").iterator(
        chunk_size=BATCH
    ):
        vial_id = vial_of_session.get(row.id)
        if vial_id is None:
            continue  # a session no longer in the table has no vial
        batch.append(
            HistoricalVial(
                id=vial_id,
                session_id=row.id,
                history_date=row.history_date,
                history_change_reason=row.history_change_reason,
                history_type=row.history_type,
                history_user_id=row.history_user_id,
                **_vial_values(row),
            )
        )
        if len(batch) >= BATCH:
            HistoricalVial.objects.bulk_create(batch)
            batch = []
    HistoricalVial.objects.bulk_create(batch)
    HistoricalInjection.objects.update(
        vial=Subquery(
            Vial.objects.filter(session=OuterRef("session_id")).values("pk")[:1]
        )
    )


def copy_back(apps, schema_editor):
    """Undo: each session takes back its first vial's values."""
    ToxinSession = apps.get_model("treatments", "ToxinSession")
    Vial = apps.get_model("treatments", "Vial")
    for vial in Vial.objects.order_by("-pk").iterator(chunk_size=BATCH):
        ToxinSession.objects.filter(pk=vial.session_id).update(
            **{session: getattr(vial, name) for name, session in VIAL_FIELDS.items()}
        )


class Migration(migrations.Migration):
    dependencies = [("treatments", "0010_vials")]

    operations = [migrations.RunPython(copy_vials, copy_back, elidable=False)]
