"""The private files' storage on a filesystem: a file appears complete, or not at all.

Django's ``FileSystemStorage`` writes straight to the final name and sets the mode afterwards,
so a full disk or a crash mid-write left a truncated file behind, readable by anyone who may read
the folder (0644 under the usual umask) until the mode was set. This one writes to a temporary
name in the same folder (created 0600), flushes it to the disk, sets the final mode, and only then
links it under its final name, never replacing a file that exists; on any failure the temporary
file is removed and the error raised. S3-compatible storage needs none of this: one PUT is atomic.
"""

from __future__ import annotations

import contextlib
import os
import tempfile

from django.core.files.storage import FileSystemStorage
from django.core.files.utils import FileProxyMixin
from django.utils._os import safe_makedirs

TEMPORARY_PREFIX = ".partial-"


class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content: FileProxyMixin) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        if self.directory_permissions_mode is not None:
            safe_makedirs(directory, self.directory_permissions_mode, exist_ok=True)
        else:
            os.makedirs(directory, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, dir=directory)
        try:
            with os.fdopen(descriptor, "wb") as file:
                for chunk in content.chunks():
                    file.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temporary, self.file_permissions_mode if self.file_permissions_mode is not None else 0o600)
            while True:
                try:
                    os.link(temporary, full_path)  # fails, rather than replacing, if the name is taken
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        _sync_directory(directory)
        return os.path.relpath(full_path, self.location).replace("\\", "/")


def _sync_directory(directory: str) -> None:
    """Make the new name itself durable (a crash could otherwise forget the link)."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
