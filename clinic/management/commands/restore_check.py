"""Prove the latest backup: restore it into a scratch database, compare every
clinical table's row count and checksum with the fingerprint taken with the dump,
and run `migrate --check` against the copy. Exits non-zero, naming the table, on
any difference.

    manage.py restore_check                          # scratch: clinic_restore_check
    manage.py restore_check --database-name other --dir /srv/bak

The scratch database is dropped before and after.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from clinic.backups import (
    BackupError,
    backup_directory,
    check_restore,
    require_postgresql,
)


class Command(BaseCommand):
    help = "Restore the latest backup into a scratch database and verify it."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="default: BACKUP_DIR or backups/")
        parser.add_argument("--database-name", default="clinic_restore_check")

    def handle(self, *args, **options):
        require_postgresql("restore-check")
        try:
            report = check_restore(
                connection.settings_dict,
                backup_directory(options["dir"]),
                options["database_name"],
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        size_kb = report.dump_bytes / 1024
        self.stdout.write(
            f"{report.dump.name}: {size_kb:.0f} KB, dumped in "
            f"{report.dump_seconds:.2f} s, restored in {report.restore_seconds:.2f} s."
        )
        if report.mismatches:
            if report.migrate_output and any(
                line.startswith("migrations:") for line in report.mismatches
            ):
                self.stderr.write(report.migrate_output)
            raise CommandError(
                "The restored copy differs from the backup:\n  "
                + "\n  ".join(report.mismatches)
            )
        self.stdout.write(
            self.style.SUCCESS(
                "Restore check passed: every clinical table's rows and checksum "
                "match, and no migration is missing."
            )
        )
