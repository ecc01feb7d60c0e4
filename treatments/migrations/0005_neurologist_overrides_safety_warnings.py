"""Grant the Neurologist role the permission to override toxin safety warnings.

Written out here, not imported, so that it keeps meaning what it meant when it ran.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE = "Neurologist"
PERMISSION = ("treatments", "override_safety_warnings")


def _permission(apps):
    # Permissions are normally created after migrate; this one is needed now.
    create_permissions(global_apps.get_app_config("treatments"), apps=apps, verbosity=0)
    app_label, codename = PERMISSION
    return apps.get_model("auth", "Permission").objects.get(
        content_type__app_label=app_label, codename=codename
    )


def grant(apps, schema_editor):
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=ROLE)
    group.permissions.add(_permission(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = PERMISSION
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    if permission is None:
        return
    for group in Group.objects.filter(name=ROLE):
        group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clinic", "0003_roles"),
        ("treatments", "0004_session_lot_upper_index"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
