import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Safety warnings overridden on a session: which, who, when and why; and the
    permission to override them."""

    dependencies = [
        ("treatments", "0002_session_form_token"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="toxinsession",
            options={
                "ordering": ["-performed_at"],
                "permissions": [
                    ("override_safety_warnings", "Can override toxin safety warnings")
                ],
            },
        ),
        migrations.AddField(
            model_name="historicaltoxinsession",
            name="overridden_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicaltoxinsession",
            name="overridden_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicaltoxinsession",
            name="overridden_warnings",
            field=models.JSONField(
                blank=True,
                default=list,
                editable=False,
                help_text="The safety warnings shown when the session was saved.",
                verbose_name="warnings overridden",
            ),
        ),
        migrations.AddField(
            model_name="historicaltoxinsession",
            name="override_reason",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="toxinsession",
            name="overridden_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="toxinsession",
            name="overridden_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="toxinsession",
            name="overridden_warnings",
            field=models.JSONField(
                blank=True,
                default=list,
                editable=False,
                help_text="The safety warnings shown when the session was saved.",
                verbose_name="warnings overridden",
            ),
        ),
        migrations.AddField(
            model_name="toxinsession",
            name="override_reason",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddConstraint(
            model_name="toxinsession",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("overridden_at__isnull", True),
                        ("overridden_by__isnull", True),
                        ("override_reason", ""),
                    ),
                    models.Q(
                        ("overridden_at__isnull", False),
                        ("overridden_by__isnull", False),
                        models.Q(("override_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="treatments_session_override_complete",
                violation_error_message="An override needs who overrode, when and why.",
            ),
        ),
    ]
