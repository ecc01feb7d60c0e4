"""List toxin sessions charted before a hard rule existed that break it now.

    manage.py toxin_rule_review

Nothing is changed: each session is to be corrected (or marked entered in error)
by a clinician on its page. Prints session numbers and rules only, no patient
data.
"""

from django.core.management.base import BaseCommand
from django.urls import reverse

from treatments.review import rule_breaches


class Command(BaseCommand):
    help = "List toxin sessions that break a hard rule added after they were charted."

    def handle(self, *args, **options):
        breaches = rule_breaches()
        for breach in breaches:
            url = reverse("treatments:toxinsession_detail", args=[breach.session_id])
            self.stdout.write(f"session {breach.session_id} ({url}): {breach.rule}")
        self.stdout.write(f"{len(breaches)} to review.")
