"""The access log as a CSV file: the rows a clinic administrator chose in the
admin (search by user or patient, date and action filters), streamed so that a
year of rows never sits in memory. Patients are named by id and MRN, not by name:
the file is for an audit, which looks the patient up if it must."""

import logging

from django.http import StreamingHttpResponse
from django.utils import timezone

from clinic.list_exports import csv_lines

logger = logging.getLogger(__name__)

EXPORT_PERMISSION = "clinic.export_accesslog"
COLUMNS = (
    "When",
    "User",
    "User's name",
    "Action",
    "Record",
    "Record type",
    "Record id",
    "Patient id",
    "MRN",
    "Address",
    "Request id",
)
CHUNK_ROWS = 2000


def _row(entry) -> list:
    return [
        timezone.localtime(entry.at).isoformat(timespec="seconds"),
        entry.user.get_username(),
        entry.user.display_name,
        entry.get_action_display(),
        entry.record_label,
        entry.record_type,
        entry.record_id,
        entry.patient_id,
        entry.patient.mrn,
        entry.address,
        entry.request_id,
    ]


def _lines(rows):
    return csv_lines(COLUMNS, (_row(entry) for entry in rows.iterator(CHUNK_ROWS)))


def access_log_csv(request, rows) -> StreamingHttpResponse:
    """`rows`: the access-log entries to write, newest first."""
    logger.info("access log exported by user %s", request.user.pk)
    rows = rows.select_related("user", "patient").only(
        "at",
        "action",
        "record_type",
        "record_id",
        "address",
        "request_id",
        "patient__mrn",
        "user__username",
        "user__first_name",
        "user__last_name",
    )
    response = StreamingHttpResponse(
        _lines(rows), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
    return response
