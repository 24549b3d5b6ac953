"""Starting background jobs, running them exactly once, and finding the ones a crash or a lost message left.

start() records the job and, once the caller's transaction has committed, puts it on the queue. run() is what
a worker does with it: take the job's lock (locks.py), read the row again, and run its handler only if it is
not finished. sweep() (at the worker's start and every minute) puts back on the queue every unfinished job
whose lock nobody holds.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import InterfaceError, OperationalError, close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import locks, registry
from .models import FINISHED, Job, JobStatus
from .storage import job_storage

log = logging.getLogger(__name__)

# A queued job handed to the queue less than this long ago is left to it: it is most likely waiting its turn
# behind others (given out again every minute, a backlog would multiply itself in the queue).
QUEUED_GRACE = dt.timedelta(minutes=10)
# A job just created goes to the queue when its transaction commits: the sweep leaves it that long.
NEW_GRACE = dt.timedelta(seconds=30)
# Finished jobs' files are kept this long, then deleted (the row and its message stay).
KEEP_FILES = dt.timedelta(days=7)


def start(*, kind: str, title: str, user: Any = None, params: dict[str, Any] | None = None) -> Job:
    registry.get(kind)  # an unknown kind fails here, in the request, not later in the worker
    job = Job.objects.create(kind=kind, title=str(title)[:300], user=user if getattr(user, "pk", None) else None,
                             params=params or {}, language=translation.get_language() or "fa")
    transaction.on_commit(lambda: enqueue(job.pk))
    return job


def enqueue(job_id: int) -> None:
    from .tasks import run_job

    Job.objects.filter(pk=job_id).update(enqueued_at=timezone.now())
    run_job(job_id)


def run(job_id: int) -> Job | None:
    """Run one job if nobody else is and it is not finished; None when there was nothing to do."""
    held = locks.try_lock(job_id)
    if held is None:
        return None  # another worker has it
    try:
        job = Job.objects.filter(pk=job_id).first()
        if job is None or job.finished:
            return None
        Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, started_at=timezone.now(),
                                             attempts=job.attempts + 1)
        job.refresh_from_db()
        with translation.override(job.language):
            try:
                result = registry.get(job.kind).handler(job, registry.Progress(job))
            except (OperationalError, InterfaceError):
                raise  # the database went away: the job stays unfinished and the sweep gives it out again
            except Exception as exc:  # the job fails, not the worker
                log.exception("job %s (%s) failed", job.pk, job.kind)
                _finish(job, JobStatus.FAILED, _("این کار با خطای سامانه متوقف شد: {error}").format(
                    error=type(exc).__name__))
                return job
            _finish(job, JobStatus.DONE, result.message, result)
        return job
    finally:
        held.release()


def _finish(job: Job, status: str, message: str, result: registry.Result | None = None) -> None:
    job.refresh_from_db()
    job.status, job.message, job.finished_at = status, message, timezone.now()
    if result is not None and (result.content is not None or result.path is not None):
        job.file, job.file_size = _keep(job, result)
        job.file_name, job.file_type = result.file_name, result.file_type
    job.save()
    locks.forget(job.pk)
    if registry.get(job.kind).notify and job.user is not None:
        _tell(job)


def _tell(job: Job) -> None:
    from django.urls import reverse

    from maharat.notify.services import notify

    if job.status == JobStatus.DONE:
        title = _("آماده شد: {title}").format(title=job.title)
    else:
        title = _("انجام نشد: {title}").format(title=job.title)
    # Never by SMS: the title holds words the user typed, and SMS go out under the platform's official sender.
    notify(job.user, topic="job", title=title, body=job.message, url=reverse("job_detail", args=[job.pk]),
           key=f"job:{job.pk}:{job.status}", by_sms=False)


def _keep(job: Job, result: registry.Result) -> tuple[str, int]:
    """Moves the result into the jobs storage under a name of ours (the user's file name is only shown)."""
    name = f"{job.pk}/result"
    if result.path is not None:
        try:
            with result.path.open("rb") as handle:
                return job_storage().save(name, File(handle)), result.path.stat().st_size
        finally:
            result.path.unlink(missing_ok=True)
    assert result.content is not None
    return job_storage().save(name, ContentFile(result.content)), len(result.content)


def sweep() -> int:
    """Put back on the queue every unfinished job nobody is running; returns how many."""
    if not connection.in_atomic_block:
        close_old_connections()
    now = timezone.now()
    # Running, its lock free (tested below): its worker died, since run() takes the lock before it marks the
    # job running and lets go of it only once the job is finished.
    lost = Q(status=JobStatus.RUNNING) | Q(status=JobStatus.QUEUED, created_at__lt=now - NEW_GRACE) & (
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - QUEUED_GRACE))
    candidates = Job.objects.filter(lost).values_list("pk", flat=True)[:1000]
    _forget_old_files(now - KEEP_FILES)
    again = 0
    for job_id in list(candidates):
        held = locks.try_lock(job_id)
        if held is None:
            continue  # running
        held.release()
        enqueue(job_id)
        again += 1
    return again


def _forget_old_files(before: dt.datetime) -> None:
    for job in Job.objects.filter(finished_at__lt=before).exclude(file="")[:200]:
        job_storage().delete(job.file)
        Job.objects.filter(pk=job.pk).update(file="", file_size=0)


def run_queued() -> int:
    """Run every unfinished job here and now, oldest first (`maharat worker --once`, tests)."""
    ran = 0
    for job_id in list(Job.objects.exclude(status__in=FINISHED).order_by("created_at", "pk")
                       .values_list("pk", flat=True)):
        if run(job_id) is not None:
            ran += 1
    return ran
