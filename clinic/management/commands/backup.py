"""Back the database up: a pg_dump in custom format and, beside it, the row counts
and checksums of the clinical tables taken in the same snapshot.

    manage.py backup                 # into BACKUP_DIR, or backups/ in the project
    manage.py backup --dir /srv/bak

PostgreSQL only. `manage.py restore_check` proves the latest dump restores.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from clinic.backups import (
    BackupError,
    backup_directory,
    require_postgresql,
    take_backup,
)


class Command(BaseCommand):
    help = "Dump the database with a same-snapshot fingerprint of its clinical tables."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="default: BACKUP_DIR or backups/")

    def handle(self, *args, **options):
        require_postgresql("backup")
        try:
            dump = take_backup(
                connection.settings_dict, backup_directory(options["dir"])
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        size_kb = dump.stat().st_size / 1024
        self.stdout.write(f"Backed up to {dump} ({size_kb:.0f} KB).")
