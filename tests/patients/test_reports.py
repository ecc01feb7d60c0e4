import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from patients.reports import detect_report_type, validate_report_file


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.4 ...", ("application/pdf", ".pdf")),
        (b"\x89PNG\r\n\x1a\n....", ("image/png", ".png")),
        (b"\xff\xd8\xff\xe0....", ("image/jpeg", ".jpg")),
        (b"<html><script>", None),
        (b"MZ\x90\x00", None),
        (b"", None),
    ],
)
def test_type_is_recognised_by_content(content, expected):
    assert detect_report_type(SimpleUploadedFile("x", content)) == expected


def test_a_renamed_file_is_refused_by_its_content():
    upload = SimpleUploadedFile("report.pdf", b"<html>not a pdf</html>")
    with pytest.raises(ValidationError, match="PDF, PNG or JPEG"):
        validate_report_file(upload)


def test_size_limit(settings):
    settings.CLINIC_REPORT_MAX_BYTES = 10
    upload = SimpleUploadedFile("report.pdf", b"%PDF-" + b"x" * 20)
    with pytest.raises(ValidationError, match="the limit is 10"):
        validate_report_file(upload)


def test_detection_leaves_the_file_position_alone():
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4 body")
    upload.seek(3)
    detect_report_type(upload)
    assert upload.tell() == 3
