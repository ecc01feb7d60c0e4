from django.db import migrations

INDEX = "treatments_vial_lot_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON treatments_vial "
        "USING gin (UPPER(lot_number) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    """The admin searches lot numbers anywhere in them (lot_number__icontains,
    UPPER(lot_number) LIKE '%...%'), which no b-tree serves: a trigram index does,
    on PostgreSQL. Kept out of the model's state, since SQLite has no such index
    (the extension is left in place on reversing: others may use it)."""

    dependencies = [
        ("treatments", "0018_admin_list_indexes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
