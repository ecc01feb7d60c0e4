"""The Clinic admin role sees the clinicians' calendar feeds in the admin (never their
tokens) and revokes them.

Written out here, not imported, so that it keeps meaning what it meant when it ran.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE = "Clinic admin"
GRANT = [
    ("treatments", "view_calendarfeed"),
    # Revoking a feed; the admin offers no other change to one.
    ("treatments", "change_calendarfeed"),
]


def _permissions(apps, grants):
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in grants
    ]


def forward(apps, schema_editor):
    # Permissions are normally created after migrate; these are needed now.
    create_permissions(global_apps.get_app_config("treatments"), apps=apps, verbosity=0)
    for group in apps.get_model("auth", "Group").objects.filter(name=ROLE):
        group.permissions.add(*_permissions(apps, GRANT))


def backward(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name=ROLE):
        group.permissions.remove(*_permissions(apps, GRANT))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clinic", "0006_clinic_admin_role_grants"),
        # The calendar feeds, and the scheduling grants this one follows.
        ("treatments", "0008_scheduling_roles"),
    ]

    operations = [migrations.RunPython(forward, backward)]
