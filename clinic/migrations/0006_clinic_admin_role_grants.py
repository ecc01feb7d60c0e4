"""The Clinic admin role reads the role-change log, and no longer edits groups:
whoever edits a group can give its members any permission (what a role may do is set
by migrations and superusers).

Written out here, not imported, so that it keeps meaning what it meant when it ran.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE = "Clinic admin"
GRANT = [("clinic", "view_rolechange")]
WITHDRAW = [("auth", "add_group"), ("auth", "change_group")]


def _permissions(apps, grants):
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in grants
    ]


def forward(apps, schema_editor):
    # Permissions are normally created after migrate; these are needed now.
    for app_label in ("auth", "clinic"):
        create_permissions(
            global_apps.get_app_config(app_label), apps=apps, verbosity=0
        )
    for group in apps.get_model("auth", "Group").objects.filter(name=ROLE):
        group.permissions.add(*_permissions(apps, GRANT))
        group.permissions.remove(*_permissions(apps, WITHDRAW))


def backward(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name=ROLE):
        group.permissions.remove(*_permissions(apps, GRANT))
        group.permissions.add(*_permissions(apps, WITHDRAW))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clinic", "0005_rolechange"),
    ]

    operations = [migrations.RunPython(forward, backward)]
