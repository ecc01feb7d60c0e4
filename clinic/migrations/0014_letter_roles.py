"""Letters: every role reads the kept letters of the kinds it may read; the roles
that inject, book or run the clinic produce them (each kind also needs the
permissions to read what it tells: clinic/letters/views.py).

Written out here, not imported, so that it keeps meaning what it meant when it ran.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Neurologist": ["view_letter", "add_letter"],
    "Injector": ["view_letter", "add_letter"],
    "Therapist": ["view_letter"],
    "Scheduler": ["view_letter", "add_letter"],
    "Clinic admin": ["view_letter", "add_letter"],
}


def _permissions(apps, codenames):
    return apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="clinic", codename__in=codenames
    )


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; these are needed now.
    create_permissions(global_apps.get_app_config("clinic"), apps=apps, verbosity=0)
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
        ("clinic", "0013_letters"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
