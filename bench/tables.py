"""Rows written as PostgreSQL COPY text, one spool file per table, then loaded
with COPY in dependency order.

Rows are spooled to files rather than kept in memory: at 100,000 patients the
injections alone are seven million rows. Each table's columns come from the
model, with the model's field defaults filled in, so that a generator names only
the fields it decides.
"""

import datetime
import decimal
import json
import tempfile
import time
import uuid
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder

NULL = "\\N"
CHUNK = 1 << 20


def encode(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = (
                value.replace("\\", "\\\\")
                .replace("\t", "\\t")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
            )
        return value
    if isinstance(value, int | decimal.Decimal | float | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return encode(json.dumps(value, cls=DjangoJSONEncoder))
    raise TypeError(f"Cannot COPY {value!r}")


class Table:
    """A model's table: its columns, defaults, next id and spool file."""

    def __init__(self, model, spool_dir: Path, now: datetime.datetime):
        self.model = model
        self.name = model._meta.db_table
        fields = model._meta.concrete_fields
        self.columns = [field.column for field in fields]
        self.index = {}
        for position, field in enumerate(fields):
            self.index[field.name] = position
            self.index[field.attname] = position
        self.defaults = [self._default(field, now) for field in fields]
        self.path = spool_dir / f"{self.name}.copy"
        self.out = self.path.open("w", buffering=CHUNK)
        self.next_id = 1
        self.count = 0

    @staticmethod
    def _default(field, now) -> str:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return encode(now)
        if field.has_default():
            return encode(field.get_default())
        if field.empty_strings_allowed and field.blank and not field.null:
            return ""  # text, e-mail and file fields left blank
        return NULL

    def add(self, **values) -> int:
        """Spool one row; returns its id (chosen here unless given)."""
        row_id = values.pop("id", None)
        if row_id is None:
            row_id = self.next_id
            self.next_id += 1
        cells = self.defaults.copy()
        cells[self.index["id"]] = str(row_id)
        index = self.index
        for name, value in values.items():
            cells[index[name]] = encode(value)
        self.out.write("\t".join(cells))
        self.out.write("\n")
        self.count += 1
        return row_id

    def load(self, cursor) -> None:
        """COPY the spooled rows in, then move the id sequence past them."""
        self.out.close()
        columns = ", ".join(f'"{column}"' for column in self.columns)
        with cursor.copy(f'COPY "{self.name}" ({columns}) FROM STDIN') as copy:
            with self.path.open("rb") as rows:
                while chunk := rows.read(CHUNK):
                    copy.write(chunk)
        self.path.unlink()
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            "GREATEST((SELECT MAX(id) FROM " + f'"{self.name}"' + "), 1))",
            [self.name],
        )


class Spool:
    """The tables being generated, in the order they are loaded (parents
    first, so that every foreign key finds its row)."""

    def __init__(self, ordered_models, now: datetime.datetime):
        self._dir = tempfile.TemporaryDirectory(prefix="bench-spool-")
        spool_dir = Path(self._dir.name)
        self.tables = {model: Table(model, spool_dir, now) for model in ordered_models}

    def __getitem__(self, model) -> Table:
        return self.tables[model]

    def load(self, cursor, report) -> dict[str, int]:
        counts = {}
        for table in self.tables.values():
            started = time.monotonic()
            table.load(cursor)
            seconds = time.monotonic() - started
            report(f"  COPY {table.name}: {table.count:,} rows in {seconds:.1f} s")
            counts[table.name] = table.count
        self._dir.cleanup()
        return counts
