"""List the records whose names, identifiers, lot numbers or notes break the text
rules that came after they were stored (clinic/stored_text.py): by record and
field, never the text itself. Exits 1 when there are any, so a cron job or a
deploy step can notice."""

from django.core.management.base import BaseCommand, CommandError

from clinic.stored_text import findings


class Command(BaseCommand):
    help = "List stored records whose text the current rules would refuse."

    def handle(self, *args, **options):
        count = 0
        for finding in findings():
            count += 1
            self.stdout.write(
                f"{finding.label} #{finding.pk} {finding.field}: {finding.problem}"
            )
        if count:
            raise CommandError(f"{count} stored value(s) to correct.")
        self.stdout.write("Every stored name, identifier, lot number and note passes.")
