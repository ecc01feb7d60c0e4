import unicodedata

from django.db import migrations, models


def search_key(text):
    # A copy of patients.search.search_key as it was when this migration was written.
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def fill_search_name(apps, schema_editor):
    Patient = apps.get_model("patients", "Patient")
    for pk, given, family in Patient.objects.values_list(
        "pk", "given_name", "family_name"
    ):
        # A derived search key, not a clinical change: no history row is wanted.
        Patient.objects.filter(pk=pk).update(
            search_name=search_key(f"{given} {family}")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="search_name",
            field=models.CharField(
                default="",
                editable=False,
                help_text="Given and family name without accents or case, for search.",
                max_length=201,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalpatient",
            name="search_name",
            field=models.CharField(
                default="",
                editable=False,
                help_text="Given and family name without accents or case, for search.",
                max_length=201,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_search_name, migrations.RunPython.noop),
    ]
