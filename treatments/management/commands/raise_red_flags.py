"""Evaluate the red-flag rules that depend on the date, for today.

    manage.py raise_red_flags          # daily, from cron
    manage.py raise_red_flags --all    # every open case, every rule

The write services raise a flag when they record the facts that raise it; a flag
that the date alone raises (a Bell's palsy not improved by 4 months) needs this
run each day. --all evaluates every rule for every open case again: after the
rules change, or after records were loaded in bulk. Prints counts only, no
patient data.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from patients import flagging
from patients.models import Case
from treatments import red_flags

BATCH = 2000


class Command(BaseCommand):
    help = "Raise the red flags that the date raises (or, with --all, every flag)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Evaluate every rule for every open case.",
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["all"]:
            cases = Case.objects.open()
        else:
            cases = flagging.date_dependent_cases(today)
        changed = 0
        for case in cases.order_by("pk").iterator(chunk_size=BATCH):
            record = flagging.refresh_record_flags(case, by=None, today=today)
            toxin = options["all"] and red_flags.refresh_toxin_flags(case, by=None)
            changed += bool(record or toxin)
        self.stdout.write(f"{changed} of {cases.count()} open cases changed.")
