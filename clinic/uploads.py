"""Uploads refused while they stream: a file over the limit is counted, not kept.

Django writes an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary
file in full before any form sees it, so a 60 MB file reached the disk before it
was refused. This handler comes first: past CLINIC_REPORT_MAX_BYTES it passes no
more of the file on (the handlers after it get nothing further), and gives the
form an empty file of the size that was sent, which the report validator
refuses with both sizes."""

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class RefusedAsTooLarge(SimpleUploadedFile):
    """What the form gets in place of a file over the limit: no content, the
    size that was sent."""

    def __init__(self, name, content_type, size):
        super().__init__(name, b"", content_type)
        self.size = size


class SizeLimitUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.CLINIC_REPORT_MAX_BYTES:
            return None  # the rest of the file goes nowhere
        return raw_data

    def file_complete(self, file_size):
        if self.received > settings.CLINIC_REPORT_MAX_BYTES:
            return RefusedAsTooLarge(self.file_name, self.content_type, self.received)
        return None  # within the limit: the next handler's file
