"""The admin's sign-in lists (django-axes' tables, clinic/admin.py) read newest
first from an index, as every other list does: axes' own migrations index
usernames and addresses, not the time."""

from django.db import migrations

TABLES = ("axes_accessattempt", "axes_accessfailurelog", "axes_accesslog")


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0008_accesslog_newest_index"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX clinic_{table}_newest ON {table} (attempt_time DESC, id DESC)",
            f"DROP INDEX clinic_{table}_newest",
        )
        for table in TABLES
    ]
