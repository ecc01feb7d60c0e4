"""Indexes for patient search on PostgreSQL: trigrams for a word anywhere in the
name (LIKE '%word%'), and a pattern index for an MRN prefix (LIKE 'ABC%'), which
the unique index cannot serve when the database's collation is not C. SQLite
searches its smaller tables without them; the model state does not hold them."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "patients_patient_search_trgm": (
        "ON patients_patient USING gin (search_name gin_trgm_ops)"
    ),
    "patients_patient_mrn_pattern": "ON patients_patient (mrn varchar_pattern_ops)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("patients", "0009_patient_toxin_precautions")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
