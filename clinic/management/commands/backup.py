"""Back the database up: a pg_dump in custom format and, beside it, the row counts
and checksums of the clinical tables taken in the same snapshot.

    manage.py backup                 # into BACKUP_DIR, or backups/ in the project
    manage.py backup --dir /srv/bak --keep 30   # then remove all but the newest 30

PostgreSQL only. `manage.py restore_check` proves the latest dump restores.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from clinic.backups import (
    BackupError,
    backup_directory,
    prune_backups,
    require_postgresql,
    take_backup,
)


class Command(BaseCommand):
    help = "Dump the database with a same-snapshot fingerprint of its clinical tables."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="default: BACKUP_DIR or backups/")
        parser.add_argument(
            "--keep",
            type=int,
            help="after a good backup, keep only the newest KEEP (default: all)",
        )

    def handle(self, *args, **options):
        require_postgresql("backup")
        if options["keep"] is not None and options["keep"] < 1:
            raise CommandError("--keep must be at least 1.")
        backup_dir = backup_directory(options["dir"])
        try:
            dump = take_backup(connection.settings_dict, backup_dir)
        except BackupError as error:
            raise CommandError(str(error)) from None
        size_kb = dump.stat().st_size / 1024
        self.stdout.write(f"Backed up to {dump} ({size_kb:.0f} KB).")
        if options["keep"] is not None:
            removed = prune_backups(backup_dir, options["keep"])
            if removed:
                self.stdout.write(f"Removed {len(removed)} older backup(s).")
