"""Merging a duplicate patient into another moves every clinical and scheduling
record: the roles that read every kind of record do it, neurologists and clinic
administrators.

Written out here, not imported, so that it keeps meaning what it meant when it ran.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ("Neurologist", "Clinic admin")
CODENAME = "merge_patient"


def _permission(apps):
    return apps.get_model("auth", "Permission").objects.get(
        content_type__app_label="patients", codename=CODENAME
    )


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; this one is needed now.
    create_permissions(global_apps.get_app_config("patients"), apps=apps, verbosity=0)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.add(_permission(apps))


def revoke(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(_permission(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clinic", "0003_roles"),
        ("patients", "0026_patient_merge"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
