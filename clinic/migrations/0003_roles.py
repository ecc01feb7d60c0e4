"""Create the clinic's roles as groups with their model permissions.

The grants are written out here, not imported, so that this migration keeps meaning
what it meant when it ran; later changes to roles come as new migrations.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

CLINICAL_MODELS = {
    "patients": ["patient", "guardian", "case", "diagnosticstudy", "assessment"],
    "treatments": [
        "treatmentcourse",
        "toxinsession",
        "injection",
        "adverseeffect",
        "therapysession",
        "medicationorder",
        "referral",
        "referralfollowup",
        "appointment",
    ],
}


def _all_clinical(actions):
    return [
        (app_label, f"{action}_{model}")
        for app_label, models in CLINICAL_MODELS.items()
        for model in models
        for action in actions
    ]


def _grants(app_label, actions, models):
    return [(app_label, f"{action}_{model}") for model in models for action in actions]


# No role may delete clinical records: they are archived or marked entered in error.
ROLES = {
    "Neurologist": [
        *_all_clinical(["view", "add", "change"]),
        ("clinic", "view_accesslog"),
    ],
    "Injector": [
        *_grants(
            "patients",
            ["view"],
            ["patient", "guardian", "case", "diagnosticstudy", "assessment"],
        ),
        *_grants("patients", ["add", "change"], ["assessment"]),
        *_grants(
            "treatments",
            ["view"],
            ["treatmentcourse", "appointment", "therapysession", "medicationorder",
             "referral", "referralfollowup"],
        ),
        *_grants(
            "treatments",
            ["view", "add", "change"],
            ["toxinsession", "injection", "adverseeffect"],
        ),
    ],
    "Therapist": [
        *_grants(
            "patients",
            ["view"],
            ["patient", "guardian", "case", "diagnosticstudy", "assessment"],
        ),
        *_grants("patients", ["add", "change"], ["assessment"]),
        *_grants(
            "treatments",
            ["view"],
            ["treatmentcourse", "appointment", "toxinsession", "injection",
             "adverseeffect"],
        ),
        *_grants("treatments", ["view", "add", "change"], ["therapysession"]),
    ],
    # Demographics and appointments only: no cases, findings, scores or treatments.
    "Scheduler": [
        *_grants("patients", ["view", "add", "change"], ["patient", "guardian"]),
        *_grants("treatments", ["view", "add", "change"], ["appointment"]),
    ],
    "Clinic admin": [
        *_all_clinical(["view", "add", "change"]),
        ("clinic", "view_accesslog"),
        *_grants("clinic", ["view", "add", "change"], ["user"]),
        *_grants("auth", ["view", "add", "change"], ["group"]),
        ("auth", "view_permission"),
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate; the roles need them now.
    for app_label in ("auth", "clinic", "patients", "treatments"):
        create_permissions(
            global_apps.get_app_config(app_label), apps=apps, verbosity=0
        )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for app_label, codename in grants:
            permissions.append(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clinic", "0002_accesslog"),
        ("patients", "0001_initial"),
        ("treatments", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
