"""Compile the project's translation catalogs (locale/ at the root and each app's
locale/) into the .mo files Django reads.

    manage.py compile_translations           # every catalog
    manage.py compile_translations --stale   # only those missing or older than .po

With GNU gettext's msgfmt on PATH, Django's compilemessages does it (it checks
the format strings too); without it, Babel (a pinned requirement) compiles them,
so a fresh machine needs nothing but `pip install -r requirements.txt`.
"""

import contextlib
import shutil
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Other projects' catalogs (installed packages) are theirs to compile.
IGNORED = [".venv", "node_modules"]


def project_root() -> Path:
    return Path(settings.BASE_DIR)


def catalogs() -> list[Path]:
    """Every .po of the project: locale/ at the root and <app>/locale/."""
    root = project_root()
    return sorted(
        [
            *root.glob("locale/*/LC_MESSAGES/*.po"),
            *root.glob("*/locale/*/LC_MESSAGES/*.po"),
        ]
    )


def stale_catalogs() -> list[Path]:
    """Catalogs whose .mo is missing or older than the .po."""
    return [
        po
        for po in catalogs()
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]


def compile_with_babel(po: Path) -> None:
    with po.open("rb") as source:
        catalog = read_po(source)
    with po.with_suffix(".mo").open("wb") as target:
        write_mo(target, catalog, use_fuzzy=False)


class Command(BaseCommand):
    help = "Compile the translation catalogs (GNU msgfmt if present, else Babel)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale",
            action="store_true",
            help="only catalogs whose .mo is missing or older than the .po",
        )

    def handle(self, *args, stale=False, verbosity=1, **options):
        todo = stale_catalogs() if stale else catalogs()
        if not todo:
            return
        if shutil.which("msgfmt"):
            # compilemessages looks for locale/ folders under the working directory.
            with contextlib.chdir(project_root()):
                call_command("compilemessages", ignore=IGNORED, verbosity=verbosity)
            return
        for po in todo:
            compile_with_babel(po)
            if verbosity:
                self.stdout.write(f"compiled {po.relative_to(project_root())}")
