"""The moved models' content types change app label, treatments -> scheduling.

Permissions point to content types, so this carries every grant the role groups
(and users) hold on them, given by treatments 0008, clinic 0003 and 0007: they
become scheduling.add_appointment and so on. Written out here, not imported, so
that it keeps meaning what it meant when it ran.
"""

from django.db import migrations

MODELS = [
    "appointment",
    "historicalappointment",
    "recallcontact",
    "historicalrecallcontact",
    "waitlistentry",
    "historicalwaitlistentry",
    "reminder",
    "calendarfeed",
]


def _move(apps, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in MODELS:
        old = ContentType.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.filter(app_label=target, model=model).first()
        if new is None:
            old.app_label = target
            old.save(update_fields=["app_label"])
            continue
        # Made already (a post_migrate between the two apps' migrations): keep the
        # newer row, hand it the old permissions' holders, drop the old row.
        for permission in Permission.objects.filter(content_type=old):
            twin, _ = Permission.objects.get_or_create(
                content_type=new,
                codename=permission.codename,
                defaults={"name": permission.name},
            )
            twin.group_set.add(*permission.group_set.all())
            twin.user_set.add(*permission.user_set.all())
        old.delete()
    ContentType.objects.clear_cache()


def forward(apps, schema_editor):
    _move(apps, "treatments", "scheduling")


def backward(apps, schema_editor):
    _move(apps, "scheduling", "treatments")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        # After every migration that grants these models' permissions by their
        # treatments labels.
        ("clinic", "0007_clinic_admin_revokes_feeds"),
        ("treatments", "0016_scheduling_models_moved_out"),
        ("scheduling", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
