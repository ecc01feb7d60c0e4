"""Store every toxin course's recall facts again, as its sessions stand.

    manage.py refresh_recall_facts

The write path keeps them current; run this after changing
CLINIC_MIN_REINJECTION_DAYS (the facts hold the earliest safe date it gives) or
after loading sessions in bulk. Prints counts only, no patient data.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from treatments.models import CourseKind, TreatmentCourse
from treatments.models.courses import RECALL_FACTS

BATCH = 2000


class Command(BaseCommand):
    help = "Recompute the stored recall facts of every toxin course."

    def handle(self, *args, **options):
        courses = TreatmentCourse.objects.filter(kind=CourseKind.BOTULINUM_TOXIN)
        changed = 0
        for course in courses.order_by("pk").iterator(chunk_size=BATCH):
            with transaction.atomic():
                before = [getattr(course, name) for name in RECALL_FACTS]
                course.refresh_recall_facts()
                changed += before != [getattr(course, name) for name in RECALL_FACTS]
        self.stdout.write(f"{changed} of {courses.count()} toxin courses updated.")
