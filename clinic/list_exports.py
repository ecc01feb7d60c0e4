"""A list page's rows as a file to open in a spreadsheet: CSV or Excel.

Both are safe from formula injection as OWASP describes it: in CSV a text that
starts with =, +, -, @, a tab or a carriage return is written after a single
quote (clinic.spreadsheet_cells); in Excel every text is a string cell, so it
opens as text whatever it starts with. Numbers and dates stay numbers and dates
in Excel, so a column sorts and sums.

A list of more rows than CLINIC_EXPORT_BACKGROUND_ROWS (or, if lower,
CLINIC_EXPORT_ROW_LIMIT) is exported by the task worker instead
(clinic.jobs_exports), up to CLINIC_BACKGROUND_EXPORT_ROW_LIMIT rows: past it the
list page says so and the user narrows the list. Every exported row is in the
access log as an export of its patient's record.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from clinic.access import record_export
from clinic.spreadsheet_cells import text_cell

# Who may export a list of patients: the roles that contact patients from lists.
PERMISSION = "patients.export_patient_lists"
CSV = "csv"
EXCEL = "xlsx"
FORMATS = frozenset({CSV, EXCEL})
EXCEL_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class ExportTable:
    """What a list exports: `name` names the file ("patients"), each row holds
    plain values (text, numbers, dates, date-times or None) under `headings`,
    and `logged` holds, for each row, the patient and the record it shows."""

    name: str
    headings: Sequence[str]
    rows: Sequence[Sequence]
    logged: Sequence[tuple[int, object]]


def chosen_format(request: HttpRequest) -> str:
    """The ?format= asked for; a 400 for none or an unknown one."""
    file_format = request.GET.get("format", "")
    if file_format not in FORMATS:
        raise BadRequest("Choose format=csv or format=xlsx.")
    return file_format


def row_limit() -> int:
    return settings.CLINIC_EXPORT_ROW_LIMIT


def immediate_rows() -> int:
    """The most rows a file made during the request holds; more are exported by
    the task worker."""
    return min(settings.CLINIC_EXPORT_BACKGROUND_ROWS, row_limit())


def background_row_limit() -> int:
    return settings.CLINIC_BACKGROUND_EXPORT_ROW_LIMIT


def too_many_message(what: str, limit: int) -> str:
    return gettext(
        "More than {limit} {what} match: an export holds at most {limit}. "
        "Narrow the list and export again."
    ).format(limit=f"{limit:,}", what=what)


def refuse_too_many(
    request: HttpRequest, *, what: str, list_url: str, limit: int | None = None
) -> HttpResponse:
    """Back to the list with its filters, which says why nothing was exported."""
    messages.error(request, too_many_message(what, limit or row_limit()))
    query = request.GET.copy()
    query.pop("format", None)
    return redirect(f"{list_url}?{query.urlencode()}" if query else list_url)


def export_response(
    request: HttpRequest, table: ExportTable, file_format: str
) -> HttpResponse:
    """The file, with every row logged as an export of its patient's record."""
    record_export(request, table.logged)
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    filename = f"{table.name}-{stamp}.{file_format}"
    if file_format == CSV:
        response = StreamingHttpResponse(
            csv_lines(table.headings, table.rows),
            content_type="text/csv; charset=utf-8",
        )
    else:
        response = HttpResponse(
            excel_bytes(table.headings, table.rows), content_type=EXCEL_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Echo:
    """What csv.writer writes into: each line is handed straight back."""

    def write(self, line: str) -> str:
        return line


def csv_lines(headings: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The CSV file line by line (for a streamed response)."""
    yield csv.writer(_Echo()).writerow(headings)
    yield from csv_row_lines(rows)


def csv_row_lines(rows: Iterable[Sequence]) -> Iterator[str]:
    """The CSV lines of `rows`, without the headings."""
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow([text_cell(_written(value)) for value in row])


def _written(value):
    """A value as CSV writes it: dates in ISO form, times in the clinic's zone."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def excel_bytes(headings: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """The Excel workbook: one sheet, headings in bold, texts as string cells."""
    workbook, sheet = excel_workbook(headings)
    excel_append(sheet, rows)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def excel_workbook(headings: Sequence[str]):
    """A write-only workbook (its rows are kept on disk, not in memory) and its
    one sheet, with the headings in bold."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Export")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = [_excel_cell(sheet, heading) for heading in headings]
    for cell in header:
        cell.font = bold
    sheet.append(header)
    return workbook, sheet


def excel_append(sheet, rows: Iterable[Sequence]) -> None:
    for row in rows:
        sheet.append([_excel_cell(sheet, value) for value in row])


def _excel_cell(sheet, value) -> WriteOnlyCell:
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value).replace(tzinfo=None)
        cell = WriteOnlyCell(sheet, value=local)
        cell.number_format = TIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if value is None or (
        isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
    ):
        return WriteOnlyCell(sheet, value=value)
    # Anything else is text, and a string cell even when it starts like a
    # formula: openpyxl would otherwise store "=..." as one.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    cell.data_type = "s"
    return cell
