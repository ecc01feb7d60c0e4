"""E-mail appointment reminders to patients (or a minor's guardian) who asked for them.

    manage.py send_reminders            # up to CLINIC_REMINDER_DAYS_BEFORE days ahead
    manage.py send_reminders --days 1   # up to the end of tomorrow
    manage.py send_reminders --dry-run  # count what is due; send and record nothing

Safe to run as often as cron likes, and from two machines at once: each reminder is
sent once per appointment time, and a failed one is retried on the next run (see
scheduling/reminders.py). Prints counts only.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from scheduling import reminders


class Command(BaseCommand):
    help = "E-mail reminders for upcoming appointments to patients who consented."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Remind appointments up to the end of the day this many days "
            "ahead (default: CLINIC_REMINDER_DAYS_BEFORE).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count the reminders due without sending or recording anything.",
        )

    def handle(self, *args, days, dry_run, **options):
        if days is None:
            days = settings.CLINIC_REMINDER_DAYS_BEFORE
        if days < 0:
            raise CommandError("--days cannot be negative.")
        if dry_run:
            result = reminders.count_due(days=days)
            self.stdout.write(
                f"Dry run: {result.due - result.no_address} reminder(s) due, "
                f"{result.no_address} appointment(s) with no address to use; "
                "nothing sent."
            )
            return
        result = reminders.send_reminders(days=days)
        self.stdout.write(
            f"Reminders: {result.sent} sent, {result.failed} failed (retried next "
            f"run), {result.gave_up} failed for the last time, "
            f"{result.no_address} appointment(s) with no address to use."
        )
