"""The kinds of background job, each registered by the app that does the work (exchange: imports; this app:
exports replayed as their user; assessment: certificate batches)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .models import Job


@dataclass(frozen=True)
class Result:
    """A file for the user (saved to the jobs storage and offered for download) and/or a message. The file is
    `content`, or the file at `path` (written by the handler, moved into the storage, then removed)."""

    message: str = ""
    content: bytes | None = None
    path: Path | None = None
    file_name: str = ""
    file_type: str = "application/octet-stream"


class Progress:
    """Handed to a handler: `progress(done, total)` records how far it has got (read by the job's page)."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def __call__(self, done: int, total: int) -> None:
        Job.objects.filter(pk=self.job.pk).update(done=done, total=total)


# A handler runs the job and returns its Result. It must be safe to run again after a crash: either all its
# writes are one transaction, or it first asks whether its work is already done (an import's batch).
Handler = Callable[[Job, Progress], Result]


@dataclass(frozen=True)
class Kind:
    name: str
    handler: Handler
    notify: bool = True  # tell the user in their inbox when it is finished


_kinds: dict[str, Kind] = {}


def register(name: str, handler: Handler, *, notify: bool = True) -> None:
    _kinds[name] = Kind(name, handler, notify)


def get(name: str) -> Kind:
    return _kinds[name]


def names() -> list[str]:
    return sorted(_kinds)
