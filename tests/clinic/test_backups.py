"""make backup and make restore-check: a dump and its same-snapshot fingerprint,
restored into a scratch database and compared table by table.

The round trips dump the test database itself, so they are transactional: the
dump sees only committed rows."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from clinic import backups
from tests.factories import AppointmentFactory, PatientFactory, ToxinSessionFactory

SCRATCH = "backup_test_restore_check"
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump and pg_restore need PostgreSQL"
)
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def clinic_records():
    ToxinSessionFactory()
    AppointmentFactory()
    return PatientFactory(given_name="Original")


def restore_check(backup_dir: Path) -> None:
    call_command("restore_check", dir=backup_dir, database_name=SCRATCH)


def test_the_clinical_tables_come_from_the_registry_with_history_and_links():
    tables = backups.clinical_tables()
    assert tables["patients_patient"] == "id"
    assert tables["patients_historicalpatient"] == "history_id"
    assert tables["treatments_appointment"] == "id"  # scheduling's model
    assert tables["clinic_user_groups"] == "id"  # a many-to-many table
    assert "django_migrations" not in tables
    assert "auth_group" not in tables


def test_the_scratch_database_is_never_the_database_itself(tmp_path):
    with pytest.raises(backups.BackupError, match="is the database itself"):
        backups.check_restore({"NAME": "clinic"}, tmp_path, "clinic")


def test_make_backup_on_sqlite_says_it_needs_postgresql(tmp_path):
    bin_dir = Path(sys.executable).parent
    finished = subprocess.run(
        ["make", "--no-print-directory", f"BIN={bin_dir}"]
        + ["-o", f"{bin_dir}/.installed", "backup", f"BACKUP_DIR={tmp_path}"],
        cwd=settings.BASE_DIR,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SECRET_KEY": "x",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
        capture_output=True,
        text=True,
    )
    assert finished.returncode == 2
    assert "make backup needs PostgreSQL" in finished.stderr
    assert list(tmp_path.glob("*.dump")) == []


@on_postgresql
@committed
def test_a_backup_restores_with_the_same_rows(clinic_records, tmp_path, capsys):
    call_command("backup", dir=tmp_path)
    restore_check(tmp_path)
    output = capsys.readouterr().out
    assert "Restore check passed" in output
    assert "dumped in" in output and "restored in" in output
    fingerprint = json.loads(next(tmp_path.glob("*.json")).read_text())
    assert fingerprint["tables"]["patients_patient"]["rows"] == 3
    assert fingerprint["tables"]["patients_historicalpatient"]["rows"] == 3
    assert_scratch_dropped()


def change_one_patient(parameters: dict) -> None:
    with psycopg.connect(**parameters) as restored:
        restored.execute(
            "UPDATE patients_patient SET given_name = 'Changed' "
            "WHERE given_name = 'Original'"
        )


@on_postgresql
@committed
def test_a_changed_row_in_the_restored_copy_names_its_table(clinic_records, tmp_path):
    call_command("backup", dir=tmp_path)
    report = backups.check_restore(
        connection.settings_dict, tmp_path, SCRATCH, before_verify=change_one_patient
    )
    assert report.mismatches == ["patients_patient: checksum differs from the backup's"]
    assert_scratch_dropped()


@on_postgresql
@committed
def test_a_fingerprint_that_disagrees_fails_the_command(clinic_records, tmp_path):
    call_command("backup", dir=tmp_path)
    path = next(tmp_path.glob("*.json"))
    fingerprint = json.loads(path.read_text())
    fingerprint["tables"]["treatments_vial"]["rows"] += 1
    path.write_text(json.dumps(fingerprint))
    with pytest.raises(CommandError, match="treatments_vial: 1 rows restored, 2"):
        restore_check(tmp_path)


@on_postgresql
@committed
def test_rows_written_during_the_dump_are_in_neither(
    clinic_records, tmp_path, monkeypatch
):
    """The fingerprint and the dump share one snapshot: a patient committed after
    the counts, while pg_dump starts, is in neither, so the copy still matches."""
    run_client = backups.run_client

    def write_then_dump(command, parameters):
        if command[0] == "pg_dump":
            PatientFactory()
        run_client(command, parameters)

    monkeypatch.setattr(backups, "run_client", write_then_dump)
    call_command("backup", dir=tmp_path)
    monkeypatch.setattr(backups, "run_client", run_client)
    restore_check(tmp_path)
    fingerprint = json.loads(next(tmp_path.glob("*.json")).read_text())
    assert fingerprint["tables"]["patients_patient"]["rows"] == 3


def assert_scratch_dropped():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [SCRATCH])
        assert cursor.fetchone() is None


def test_pruning_keeps_the_newest_dumps_with_their_fingerprints(tmp_path):
    backup_dir = tmp_path / "backups"
    backup_dir.mkdir()
    names = [f"clinic-2026120{day}T021500Z" for day in range(1, 6)]
    for name in names:
        (backup_dir / f"{name}.dump").write_bytes(b"dump")
        (backup_dir / f"{name}.json").write_text("{}")
    (backup_dir / "clinic-20261206T021500Z.dump.partial").write_bytes(b"being written")

    removed = backups.prune_backups(backup_dir, keep=2)

    assert [path.stem for path in removed] == names[:3]
    assert sorted(path.name for path in backup_dir.iterdir()) == [
        "clinic-20261204T021500Z.dump",
        "clinic-20261204T021500Z.json",
        "clinic-20261205T021500Z.dump",
        "clinic-20261205T021500Z.json",
        "clinic-20261206T021500Z.dump.partial",
    ]
    assert backups.latest_dump(backup_dir).stem == names[-1]


def test_pruning_never_removes_every_backup(tmp_path):
    with pytest.raises(backups.BackupError, match="at least one"):
        backups.prune_backups(tmp_path, keep=0)


@on_postgresql
@committed
def test_backup_with_keep_removes_older_dumps(clinic_records, tmp_path, capsys):
    old = tmp_path / "clinic-20200101T000000Z.dump"
    old.write_bytes(b"old")
    old.with_suffix(".json").write_text("{}")

    call_command("backup", dir=tmp_path, keep=1)

    assert not old.exists() and not old.with_suffix(".json").exists()
    assert len(list(tmp_path.glob("*.dump"))) == 1
    assert "Removed 1 older backup(s)." in capsys.readouterr().out
