"""Vials are charted with their session: each role gets on vials what it has on
toxin sessions (Neurologist, Injector and Clinic admin view, add and change;
Therapist views).

Written out here, not imported, so that it keeps meaning what it meant when it ran.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Neurologist": ["view_vial", "add_vial", "change_vial"],
    "Injector": ["view_vial", "add_vial", "change_vial"],
    "Clinic admin": ["view_vial", "add_vial", "change_vial"],
    "Therapist": ["view_vial"],
}


def _permissions(apps, codenames):
    return apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="treatments", codename__in=codenames
    )


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; these are needed now.
    create_permissions(global_apps.get_app_config("treatments"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    for role, codenames in GRANTS.items():
        for group in Group.objects.filter(name=role):
            group.permissions.add(*_permissions(apps, codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role, codenames in GRANTS.items():
        for group in Group.objects.filter(name=role):
            group.permissions.remove(*_permissions(apps, codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clinic", "0003_roles"),
        ("treatments", "0012_vial_fields_off_sessions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
