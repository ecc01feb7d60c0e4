"""A list export too long for the request (clinic.list_exports): queued as a
background job (clinic.jobs), whose runner rebuilds the list from its query
string for the requester and writes it to a file a batch at a time, up to
CLINIC_BACKGROUND_EXPORT_ROW_LIMIT rows.

Each list's export view calls `export_or_queue`; each list has a module-level
runner (named in the job) that calls `run_export` with the same two functions
its view uses: the listed items, and the table of a batch of them.
"""

import tempfile
from collections.abc import Callable, Iterator, Sequence
from itertools import islice

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.files import File
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext

from clinic import jobs, list_exports
from clinic.list_exports import CSV, ExportTable

BATCH = 500
FORMAT_NAMES = {list_exports.CSV: "CSV", list_exports.EXCEL: "Excel"}


def export_or_queue(
    request: HttpRequest,
    items,
    *,
    file_format: str,
    table: Callable[[list], ExportTable],
    runner: str,
    permissions: Sequence[str],
    title: str,
    what: str,
    list_url: str,
    parameters: dict | None = None,
) -> HttpResponse:
    """The list's file at once when `items` (a queryset or list, in the list's
    order) are few; else a job for the worker, which runs `runner` with
    `parameters` and the list's query, and the requester is sent to its page;
    past the background limit, back to the list. `table(items)` makes the
    file's table."""
    limit = list_exports.immediate_rows()
    first = list(items[: limit + 1])
    if len(first) <= limit:
        return list_exports.export_response(request, table(first), file_format)
    ceiling = list_exports.background_row_limit()
    if _count_up_to(items, ceiling + 1) > ceiling:
        return list_exports.refuse_too_many(
            request, what=what, list_url=list_url, limit=ceiling
        )
    query = request.GET.copy()
    query.pop("format", None)
    job = jobs.queue_job(
        request,
        title=f"{title} ({FORMAT_NAMES[file_format]})",
        runner=runner,
        parameters={
            **(parameters or {}),
            "user_id": request.user.pk,
            "query": query.urlencode(),
            "file_format": file_format,
        },
        permissions=permissions,
    )
    messages.info(
        request,
        gettext(
            "This list is long, so its file is made in the background. This page "
            "shows how far it got and offers the file when it is ready."
        ),
    )
    return redirect("job_detail", pk=job.pk)


def run_export(
    *,
    user_id: int,
    query: str,
    file_format: str,
    progress: Callable[..., None],
    items: Callable[[HttpRequest], object],
    table: Callable[[HttpRequest, list], ExportTable],
) -> jobs.JobFile:
    """The list `items(request)` shows for `query` and the requester, written
    BATCH rows at a time (`table(request, batch)`), with progress after each."""
    request = _stand_in_request(user_id, query)
    listed = items(request)
    ceiling = list_exports.background_row_limit()
    total = _count_up_to(listed, ceiling + 1)
    if total > ceiling:
        raise jobs.JobRefused(list_exports.too_many_message(gettext("rows"), ceiling))
    progress(0, total)
    blank = table(request, [])
    out = _ExportFile(file_format, blank.headings)
    done, exported = 0, []
    for batch in _batches(listed, ceiling):
        part = table(request, batch)
        out.write(part.rows)
        exported.extend(
            (patient_id, record._meta.label_lower, record.pk)
            for patient_id, record in part.logged
        )
        done += len(part.rows)
        progress(done, total)
    progress(done, done)  # the total, even if rows went from the list meanwhile
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    return jobs.JobFile(
        name=f"{blank.name}-{stamp}.{file_format}",
        content=out.finished(),
        exported=exported,
    )


def _stand_in_request(user_id: int, query: str) -> HttpRequest:
    """What the list's own code reads from a request: its user and query."""
    request = HttpRequest()
    request.method = "GET"
    request.user = get_user_model().objects.get(pk=user_id)
    request.GET = QueryDict(query)
    return request


def _count_up_to(items, most: int) -> int:
    if isinstance(items, QuerySet):
        return items[:most].count()
    return len(items[:most])


def _batches(items, ceiling: int) -> Iterator[list]:
    rows = items[:ceiling]
    if isinstance(rows, QuerySet):
        rows = rows.iterator(chunk_size=BATCH)
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        yield batch


class _ExportFile:
    """The file a background export writes as it goes, on disk: CSV lines, or
    a write-only workbook (which keeps its rows on disk until saved)."""

    def __init__(self, file_format: str, headings: Sequence[str]):
        self.file_format = file_format
        self.out = tempfile.TemporaryFile()
        if file_format == CSV:
            self.out.write(next(list_exports.csv_lines(headings, [])).encode())
        else:
            self.workbook, self.sheet = list_exports.excel_workbook(headings)

    def write(self, rows) -> None:
        if self.file_format == CSV:
            for line in list_exports.csv_row_lines(rows):
                self.out.write(line.encode())
        else:
            list_exports.excel_append(self.sheet, rows)

    def finished(self) -> File:
        if self.file_format != CSV:
            self.workbook.save(self.out)
        self.out.seek(0)
        return File(self.out)
