"""Uploaded study reports: only PDF, PNG or JPEG, recognised by their content."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

# Leading bytes of each accepted format, with the type it is served as.
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)


def detect_report_type(file) -> tuple[str, str] | None:
    """(content type, extension) from the first bytes, or None if not accepted."""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(8)
    file.seek(position)
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def validate_report_file(file) -> None:
    if file.size > settings.CLINIC_REPORT_MAX_BYTES:
        raise ValidationError(
            gettext("The report is %(size)s; the limit is %(limit)s."),
            code="too_large",
            params={
                "size": filesizeformat(file.size),
                "limit": filesizeformat(settings.CLINIC_REPORT_MAX_BYTES),
            },
        )
    if detect_report_type(file) is None:
        raise ValidationError(
            gettext("Upload the report as a PDF, PNG or JPEG file."),
            code="invalid_type",
        )


def report_upload_path(instance, filename: str) -> str:
    """A generated name: the uploaded name may carry patient details."""
    detected = detect_report_type(instance.report.file)
    extension = detected[1] if detected else ""
    return f"reports/{uuid.uuid4().hex}{extension}"
