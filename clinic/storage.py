"""Where uploaded files are kept: the file system, but a file appears there whole
or not at all.

Django's FileSystemStorage writes straight into the file's own name, so a write
that fails part-way (the disk full) leaves a partial file behind. Here the file is
written under a temporary name in the same directory, flushed to disk, then
linked to its own name; the temporary name is always removed."""

import os
import tempfile

from django.core.files.storage import FileSystemStorage

PARTIAL_PREFIX = ".partial-"


def write_chunks(out, content) -> None:
    for chunk in content.chunks():
        out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
    out.flush()
    os.fsync(out.fileno())


class WholeFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=directory, prefix=PARTIAL_PREFIX)
        try:
            with os.fdopen(fd, "wb") as out:
                write_chunks(out, content)
            while True:
                try:
                    os.link(partial, full_path)  # refuses a name already taken
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            os.unlink(partial)
        if self.file_permissions_mode is not None:
            os.chmod(full_path, self.file_permissions_mode)
        return os.path.relpath(full_path, self.location).replace("\\", "/")
