"""Every flag ticked before acknowledgements existed waits for review.

The flags the record raises are evaluated by `manage.py raise_red_flags --all`
(the rules live in code, not in a migration). The list to review is derived and
not kept in the case's history, as the write path keeps it too.
"""

from django.db import migrations
from django.db.models import F


def forward(apps, schema_editor):
    Case = apps.get_model("patients", "Case")
    Case.objects.exclude(red_flags=[]).update(red_flags_to_review=F("red_flags"))


class Migration(migrations.Migration):
    dependencies = [("patients", "0019_case_red_flag_checklist_and_acknowledgements")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
