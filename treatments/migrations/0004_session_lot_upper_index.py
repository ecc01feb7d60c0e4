import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    """Serves the case-insensitive lot look-up (lot_number__iexact compares UPPER())."""

    dependencies = [
        ("treatments", "0003_session_safety_override"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="toxinsession",
            index=models.Index(
                django.db.models.functions.text.Upper("lot_number"),
                name="treatments_session_lot_upper",
            ),
        ),
    ]
