"""The Clinic admin role exports the access log (an audit's file); neurologists
read it on their patients' pages, and export nothing.

Written out here, not imported, so that it keeps meaning what it meant when it ran.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE = "Clinic admin"
GRANT = ("clinic", "export_accesslog")


def _permission(apps):
    return apps.get_model("auth", "Permission").objects.get(
        content_type__app_label=GRANT[0], codename=GRANT[1]
    )


def forward(apps, schema_editor):
    # Permissions are normally created after migrate; this one is needed now.
    create_permissions(global_apps.get_app_config("clinic"), apps=apps, verbosity=0)
    for group in apps.get_model("auth", "Group").objects.filter(name=ROLE):
        group.permissions.add(_permission(apps))


def backward(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name=ROLE):
        group.permissions.remove(_permission(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clinic", "0011_accesslog_record_address_export"),
    ]

    operations = [migrations.RunPython(forward, backward)]
