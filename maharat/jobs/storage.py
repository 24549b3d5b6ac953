"""Where finished jobs' files are kept: outside the web root, handed out only by the job's page to its owner."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage


@cache
def job_storage() -> Storage:
    return FileSystemStorage(location=Path(settings.VAR_DIR) / "jobs" / "files", base_url=None)
