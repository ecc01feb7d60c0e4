"""Backups that are proven: a pg_dump of the database with a fingerprint of the
clinical tables taken in the same snapshot, and a check that restores the latest
dump into a scratch database and compares it with that fingerprint.

The fingerprint of a table is its row count and md5(string_agg(md5(row::text), ''
ORDER BY primary key)). Hashing each row first keeps the aggregated string at 32
bytes a row, far from PostgreSQL's 1 GB limit for one text value, and the primary
key order makes the result independent of where the rows sit on disk, so the
restored copy, written afresh, gives the same value. A row's text form depends on
the session's date, time zone and float settings, so both sides pin them.

PostgreSQL only: pg_dump, pg_restore and exported snapshots have no SQLite
counterpart. Connection settings reach the client programs through the libpq
environment (PGHOST, PGUSER, PGPASSWORD...), never their command line, where any
user of the machine could read a password.
"""

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from django.apps import apps
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from psycopg import sql

CLINICAL_APPS = ("patients", "treatments", "scheduling", "clinic")
FINGERPRINT_FORMAT = 1
# The same text for every row on both sides of the comparison, whatever the
# server's or the role's defaults are.
PINNED_SESSION = (
    "-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=postgres "
    "-c extra_float_digits=1 -c bytea_output=hex"
)
LIBPQ_VARIABLES = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "dbname": "PGDATABASE",
    "sslmode": "PGSSLMODE",
}


class BackupError(Exception):
    """A backup or restore check that could not be done, or that failed."""


@dataclass
class RestoreReport:
    dump: Path
    dump_bytes: int
    dump_seconds: float
    restore_seconds: float
    mismatches: list[str] = field(default_factory=list)
    migrate_output: str = ""


def clinical_tables() -> dict[str, str]:
    """Every table of the clinical apps, history and many-to-many tables too, with
    its primary key column: read from the app registry, so a new model is covered
    without a list to keep."""
    tables = {}
    for label in CLINICAL_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables[model._meta.db_table] = model._meta.pk.column
    return dict(sorted(tables.items()))


def connection_parameters(settings_dict: dict, dbname: str | None = None) -> dict:
    """libpq parameters from Django's database settings (which DATABASE_URL
    filled), with empty values left out so that libpq's own defaults apply."""
    parameters = {
        "host": settings_dict.get("HOST"),
        "port": str(settings_dict.get("PORT") or ""),
        "user": settings_dict.get("USER"),
        "password": settings_dict.get("PASSWORD"),
        "dbname": dbname or settings_dict.get("NAME"),
        "sslmode": settings_dict.get("OPTIONS", {}).get("sslmode"),
    }
    return {key: value for key, value in parameters.items() if value}


def libpq_environment(parameters: dict) -> dict:
    # Variables already set stay where DATABASE_URL says nothing: Django's own
    # connection, in this process, sees them too.
    environment = dict(os.environ)
    for key, value in parameters.items():
        environment[LIBPQ_VARIABLES[key]] = value
    return environment


def run_client(command: list[str], parameters: dict) -> None:
    # The programs and their arguments are ours (pg_dump, pg_restore); no shell.
    finished = subprocess.run(  # noqa: S603
        command, env=libpq_environment(parameters), capture_output=True, text=True
    )
    if finished.returncode != 0:
        raise BackupError(f"{command[0]} failed: {finished.stderr.strip()}")


def table_fingerprints(cursor, tables: dict[str, str]) -> dict[str, dict]:
    fingerprints = {}
    for table, primary_key in tables.items():
        query = sql.SQL(
            "SELECT count(*), md5(coalesce("
            "string_agg(md5(t::text), '' ORDER BY t.{primary_key}), '')) "
            "FROM {table} AS t"
        ).format(primary_key=sql.Identifier(primary_key), table=sql.Identifier(table))
        rows, checksum = cursor.execute(query).fetchone()
        fingerprints[table] = {
            "primary_key": primary_key,
            "rows": rows,
            "checksum": checksum,
        }
    return fingerprints


def take_backup(settings_dict: dict, backup_dir: Path) -> Path:
    """Dump the database and write its fingerprint beside the dump, both from one
    snapshot: pg_dump imports the snapshot that the open transaction exported, so
    rows written meanwhile are in neither. Returns the dump's path."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    taken_at = datetime.now(UTC)
    dump = backup_dir / f"clinic-{taken_at:%Y%m%dT%H%M%SZ}.dump"
    if dump.exists():
        raise BackupError(f"{dump} already exists; try again in a second.")
    # Written under another name and renamed when whole, so a dump cut short is
    # never taken for the latest backup.
    partial = dump.with_name(dump.name + ".partial")
    parameters = connection_parameters(settings_dict)
    with psycopg.connect(**parameters, options=PINNED_SESSION) as source:
        source.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        source.read_only = True
        cursor = source.cursor()
        snapshot = cursor.execute("SELECT pg_export_snapshot()").fetchone()[0]
        tables = table_fingerprints(cursor, clinical_tables())
        started = time.monotonic()
        run_client(
            [
                "pg_dump",
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={partial}",
            ],
            parameters,
        )
        dump_seconds = time.monotonic() - started
        source.rollback()
    fingerprint = {
        "format": FINGERPRINT_FORMAT,
        "dump": dump.name,
        "database": parameters.get("dbname", ""),
        "taken_at": taken_at.isoformat(),
        "dump_seconds": round(dump_seconds, 3),
        "dump_bytes": partial.stat().st_size,
        "checksum": "md5(string_agg(md5(row::text), '' ORDER BY primary key))",
        "tables": tables,
    }
    fingerprint_path(dump).write_text(json.dumps(fingerprint, indent=2) + "\n")
    partial.rename(dump)
    return dump


def fingerprint_path(dump: Path) -> Path:
    return dump.with_suffix(".json")


def prune_backups(backup_dir: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` dumps, each with its fingerprint; the
    dumps removed, oldest first. A dump still being written is never touched."""
    if keep < 1:
        raise BackupError("Keep at least one backup.")
    dumps = sorted(backup_dir.glob("clinic-*.dump"))
    removed = dumps[:-keep]
    for dump in removed:
        fingerprint_path(dump).unlink(missing_ok=True)
        dump.unlink()
    return removed


def latest_dump(backup_dir: Path) -> Path:
    # The UTC timestamp in the name sorts as the time does.
    dumps = sorted(backup_dir.glob("clinic-*.dump"))
    if not dumps:
        raise BackupError(f"No backup in {backup_dir}: run make backup first.")
    return dumps[-1]


def recreate_database(settings_dict: dict, name: str, *, create: bool) -> None:
    """Drop the scratch database (closing its sessions), and create it afresh when
    asked. SQL on the server's maintenance database, not dropdb/createdb, so the
    password goes nowhere near a command line."""
    maintenance = connection_parameters(settings_dict, dbname="postgres")
    with psycopg.connect(**maintenance, autocommit=True) as server:
        identifier = sql.Identifier(name)
        server.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier)
        )
        if create:
            server.execute(sql.SQL("CREATE DATABASE {}").format(identifier))


def compare(expected: dict[str, dict], actual: dict[str, dict]) -> list[str]:
    mismatches = []
    for table, wanted in expected.items():
        found = actual.get(table)
        if found is None:
            mismatches.append(f"{table}: missing from the restored copy")
        elif found["rows"] != wanted["rows"]:
            mismatches.append(
                f"{table}: {found['rows']} rows restored, {wanted['rows']} backed up"
            )
        elif found["checksum"] != wanted["checksum"]:
            mismatches.append(f"{table}: checksum differs from the backup's")
    return mismatches


def restored_fingerprints(parameters: dict, expected: dict[str, dict]) -> dict:
    with psycopg.connect(**parameters, options=PINNED_SESSION) as restored:
        present = {
            name
            for (name,) in restored.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        }
        tables = {
            table: wanted["primary_key"]
            for table, wanted in expected.items()
            if table in present
        }
        return table_fingerprints(restored.cursor(), tables)


def migrate_check(parameters: dict) -> tuple[bool, str]:
    """`manage.py migrate --check` against the restored copy: the URL names only
    the database, and libpq takes the rest from the environment."""
    environment = libpq_environment(parameters)
    environment["DATABASE_URL"] = f"postgres:///{parameters['dbname']}"
    finished = subprocess.run(  # noqa: S603 (this interpreter, our manage.py)
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "migrate", "--check"],
        env=environment,
        capture_output=True,
        text=True,
    )
    return finished.returncode == 0, (finished.stdout + finished.stderr).strip()


def check_restore(
    settings_dict: dict,
    backup_dir: Path,
    scratch: str,
    *,
    before_verify: Callable[[dict], None] | None = None,
) -> RestoreReport:
    """Restore the latest dump into `scratch` (dropped before and after) and
    compare it with the fingerprint taken with the dump. `before_verify` receives
    the scratch database's connection parameters; the tests use it to change a
    row and see the check fail."""
    if scratch == settings_dict.get("NAME"):
        raise BackupError(f"The scratch database {scratch} is the database itself.")
    dump = latest_dump(backup_dir)
    try:
        expected = json.loads(fingerprint_path(dump).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{dump.name} has no readable fingerprint: {error}") from None
    parameters = connection_parameters(settings_dict, dbname=scratch)
    recreate_database(settings_dict, scratch, create=True)
    try:
        started = time.monotonic()
        run_client(
            ["pg_restore", "--exit-on-error", "--no-owner", "--no-privileges"]
            + ["-d", scratch, str(dump)],
            parameters,
        )
        restore_seconds = time.monotonic() - started
        if before_verify is not None:
            before_verify(parameters)
        actual = restored_fingerprints(parameters, expected["tables"])
        migrated, migrate_output = migrate_check(parameters)
    finally:
        recreate_database(settings_dict, scratch, create=False)
    report = RestoreReport(
        dump=dump,
        dump_bytes=dump.stat().st_size,
        dump_seconds=expected.get("dump_seconds", 0.0),
        restore_seconds=restore_seconds,
        mismatches=compare(expected["tables"], actual),
        migrate_output=migrate_output,
    )
    if not migrated:
        report.mismatches.append("migrations: the restored copy lacks some")
    return report


def backup_directory(given: Path | None) -> Path:
    return Path(given or os.environ.get("BACKUP_DIR") or settings.BASE_DIR / "backups")


def require_postgresql(command: str) -> None:
    if connection.vendor != "postgresql":
        raise CommandError(
            f"make {command} needs PostgreSQL (pg_dump, pg_restore), and "
            f"DATABASE_URL names {connection.vendor}: set "
            "DATABASE_URL=postgres://user@host:5432/clinic.",
            returncode=2,
        )
