"""The access log's one writer: who was shown which patient's record, what record,
when, and from where.

Every page that shows one patient's data calls `record_access` when it is opened
(a GET); a form sent back with its errors, or refreshed while it is open, was
opened already and is not logged again. Lists of many patients (search results,
worklists, calendars, the recall list) are not logged per patient: opening any
record from them is. tests/clinic/test_access_log_coverage.py fails for a page of
one patient that writes no row.
"""

import ipaddress

from django.db import models

from clinic.models import AccessAction, AccessLog
from clinic.request_ids import NO_REQUEST, current_request_id
from clinic.signin import client_ip


def record_access(
    request, patient, record=None, *, action: str = AccessAction.VIEW
) -> None:
    """Log that request.user was shown `patient`'s `record` (a model instance,
    saved or not yet; None for the chart itself)."""
    if request.method != "GET":
        return
    record_type, record_id = "", None
    if record is not None:
        record_type = record._meta.label_lower
        record_id = record.pk if isinstance(record, models.Model) else None
    AccessLog.objects.create(
        user=request.user,
        patient_id=getattr(patient, "pk", patient),
        action=action,
        record_type=record_type,
        record_id=record_id,
        address=_address(request),
        request_id=_request_id(),
    )


def record_export(request, exported) -> None:
    """Log that request.user exported, in one file, each (patient id, record)
    of `exported`: one row each, as opening them one by one would write."""
    address, request_id = _address(request), _request_id()
    AccessLog.objects.bulk_create(
        AccessLog(
            user=request.user,
            patient_id=patient_id,
            action=AccessAction.EXPORT,
            record_type=record._meta.label_lower,
            record_id=record.pk,
            address=address,
            request_id=request_id,
        )
        for patient_id, record in exported
    )


def record_bulk_export(user, patient_ids) -> None:
    """Log that `user` exported these patients' records from the command line
    (no request: no address, no request id)."""
    AccessLog.objects.bulk_create(
        AccessLog(user=user, patient_id=patient_id, action=AccessAction.EXPORT)
        for patient_id in patient_ids
    )


def request_origin(request) -> tuple[str | None, str]:
    """Where a request came from, as the log keeps it: address and request id
    (kept on a background job, for the rows its worker logs)."""
    return _address(request), _request_id()


def record_job_export(job, exported) -> None:
    """Log that the requester of a background job (clinic.jobs) exported, in its
    file, each (patient id, record type, record id) of `exported`, from where
    the job was asked for."""
    AccessLog.objects.bulk_create(
        (
            AccessLog(
                user_id=job.requested_by_id,
                patient_id=patient_id,
                action=AccessAction.EXPORT,
                record_type=record_type,
                record_id=record_id,
                address=job.address,
                request_id=job.request_id,
            )
            for patient_id, record_type, record_id in exported
        ),
        batch_size=1000,
    )


def record_job_download(request, job) -> None:
    """Log that request.user downloaded a background job's file: one row for
    each patient it holds, the job as the record, as a letter's download is."""
    address, request_id = _address(request), _request_id()
    AccessLog.objects.bulk_create(
        (
            AccessLog(
                user=request.user,
                patient_id=patient_id,
                action=AccessAction.DOWNLOAD,
                record_type=job._meta.label_lower,
                record_id=job.pk,
                address=address,
                request_id=request_id,
            )
            for patient_id in job.patient_ids
        ),
        batch_size=1000,
    )


def _address(request) -> str | None:
    """The client's address as the sign-in lockout sees it; None when what the
    proxy passed is not an address."""
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


def _request_id() -> str:
    request_id = current_request_id.get()
    return "" if request_id == NO_REQUEST else request_id
