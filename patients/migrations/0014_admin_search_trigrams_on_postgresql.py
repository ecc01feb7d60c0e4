"""Trigram indexes on PostgreSQL for the admin's patient search: the admin asks
each word case-insensitively anywhere in the MRN, family or given name
(UPPER(field) LIKE UPPER('%word%')), which these expression indexes serve.
SQLite searches without them; the model state does not hold them."""

from django.db import migrations

FIELDS = ("mrn", "family_name", "given_name")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for field in FIELDS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS patients_patient_{field}_trgm "
            f"ON patients_patient USING gin (UPPER({field}) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for field in FIELDS:
        schema_editor.execute(f"DROP INDEX IF EXISTS patients_patient_{field}_trgm")


class Migration(migrations.Migration):
    dependencies = [("patients", "0013_minor_without_guardian_flag")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
