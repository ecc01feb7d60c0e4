"""Red-flag acknowledgements: every clinical role sees them; only neurologists
acknowledge a flag.

Written out here, not imported, so that it keeps meaning what it meant when it ran.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Neurologist": ["view_redflagacknowledgement", "acknowledge_red_flag"],
    "Injector": ["view_redflagacknowledgement"],
    "Therapist": ["view_redflagacknowledgement"],
    "Clinic admin": ["view_redflagacknowledgement"],
}


def _permissions(apps, codenames):
    return apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="patients", codename__in=codenames
    )


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; these are needed now.
    create_permissions(global_apps.get_app_config("patients"), apps=apps, verbosity=0)
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
        ("patients", "0020_case_red_flags_to_review_backfill"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
