from django.db import migrations, models


class Migration(migrations.Migration):
    """A one-time token from the charting form, so a double submit charts once."""

    dependencies = [
        ("treatments", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicaltoxinsession",
            name="form_token",
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="toxinsession",
            name="form_token",
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
        migrations.AddConstraint(
            model_name="toxinsession",
            constraint=models.UniqueConstraint(
                fields=("form_token",),
                name="treatments_session_form_token_unique",
                violation_error_message="This form was already saved.",
            ),
        ),
    ]
