"""Amendments of signed-off studies: written once, shown beside the original.

The view permission goes to the roles that view studies, written out here (as in
0004_study_review_permission) so that this migration keeps its meaning.
"""

import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations
import simple_history.models
from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# Who sees a study sees its amendments (the roles that view studies). Nobody is
# granted to add, change or delete one: the model has only the view permission.
GRANTS = {
    role: [("patients", "view_studyamendment")]
    for role in ("Neurologist", "Injector", "Therapist", "Clinic admin")
}


def _permission(apps, app_label, codename):
    return apps.get_model("auth", "Permission").objects.get(
        content_type__app_label=app_label, codename=codename
    )


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; the grant needs this one now.
    create_permissions(global_apps.get_app_config("patients"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    for name, grants in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in grants:
            group.permissions.add(_permission(apps, app_label, codename))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, grants in GRANTS.items():
        for group in Group.objects.filter(name=name):
            for app_label, codename in grants:
                group.permissions.remove(_permission(apps, app_label, codename))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clinic", "0003_roles"),
        ("patients", "0007_study_signed_unchanged"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalStudyAmendment',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('text', models.TextField(help_text='The corrected or added finding or impression.')),
                ('reason', models.TextField(help_text='Why the signed result needed correcting.')),
                ('amended_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical study amendment',
                'verbose_name_plural': 'historical study amendments',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='StudyAmendment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField(help_text='The corrected or added finding or impression.')),
                ('reason', models.TextField(help_text='Why the signed result needed correcting.')),
                ('amended_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'ordering': ['amended_at', 'pk'],
                'default_permissions': ('view',),
            },
        ),
        migrations.AddField(
            model_name='historicalstudyamendment',
            name='amended_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalstudyamendment',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalstudyamendment',
            name='study',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='patients.diagnosticstudy'),
        ),
        migrations.AddField(
            model_name='studyamendment',
            name='amended_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='studyamendment',
            name='study',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='amendments', to='patients.diagnosticstudy'),
        ),
        migrations.AddConstraint(
            model_name='studyamendment',
            constraint=models.CheckConstraint(condition=models.Q(('text', ''), _negated=True), name='patients_amendment_has_text', violation_error_message='Write the amendment.'),
        ),
        migrations.AddConstraint(
            model_name='studyamendment',
            constraint=models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='patients_amendment_has_reason', violation_error_message='Say why the signed result is amended.'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='studyamendment',
            trigger=pgtrigger.compiler.Trigger(name='patients_amendment_write_once', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='4b09b2d74438c1a122fb258eb9b6d9a3e366ca2b', operation='UPDATE OR DELETE', pgid='pgtrigger_patients_amendment_write_once_5378d', table='patients_studyamendment', when='BEFORE')),
        ),
        migrations.RunPython(grant, revoke),
    ]
