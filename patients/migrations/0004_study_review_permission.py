"""The permission to sign off study results, granted to the Neurologist role.

The grant is written out here, not imported, so that this migration keeps meaning what
it meant when it ran (as clinic/migrations/0003_roles.py does).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"Neurologist": [("patients", "review_diagnosticstudy")]}


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
        ("patients", "0003_form_tokens"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="diagnosticstudy",
            options={
                "ordering": ["-ordered_on"],
                "permissions": [
                    ("review_diagnosticstudy", "Can sign off study results")
                ],
                "verbose_name_plural": "diagnostic studies",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
