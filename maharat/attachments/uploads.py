"""Stop reading an oversized evidence file while it arrives, not after it has filled the server's disk.

Installed first in FILE_UPLOAD_HANDLERS; it acts only on requests under /attachments/ (other uploads, the
spreadsheet imports, keep their own limits). It counts the bytes of each file as they are received, whatever
the request's Content-Length claimed, and past ATTACHMENTS_MAX_BYTES drops the rest of that file (SkipFile)
and notes its name on the request, so the upload page answers with the size message naming it. The service
counts again (content.inspect_file): without this handler the limit still holds, only later.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from .content import max_bytes

PREFIX = "/attachments/"
NOTED = "attachments_too_large"  # request attribute: the names of the files dropped


class CappedUploadHandler(FileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.active = self.request is not None and self.request.path_info.startswith(PREFIX)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if self.active:
            self.received += len(raw_data)
            if self.received > max_bytes():
                noted = getattr(self.request, NOTED, [])
                noted.append(self.file_name or "")
                setattr(self.request, NOTED, noted)
                raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) makes the file
