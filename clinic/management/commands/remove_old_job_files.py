"""Remove the files of background jobs (clinic.jobs) older than
CLINIC_JOB_FILE_DAYS: run it daily (README "Background jobs").

    manage.py remove_old_job_files             # CLINIC_JOB_FILE_DAYS (7)
    manage.py remove_old_job_files --days 1

The jobs stay, with when their file was removed: the record of what was made,
for whom, stays as long as the access log's rows of it.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from clinic.jobs import remove_old_files


class Command(BaseCommand):
    help = "Remove the files of background jobs finished more than N days ago."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="default: CLINIC_JOB_FILE_DAYS")

    def handle(self, *args, **options):
        days = options["days"]
        if days is None:
            days = settings.CLINIC_JOB_FILE_DAYS
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        removed = remove_old_files(days=days)
        self.stdout.write(f"{removed} job file(s) removed.")
