"""One recorded import (an ImportBatch): run it inline or in the worker, record its outcome and audit it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from maharat.audit.models import AuditAction
from maharat.audit.services import log
from maharat.common.tabular import Table
from maharat.kit.importing import Importer, Outcome

from .models import ImportBatch, ImportStatus

MAX_STORED_PROBLEMS = 2000


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def run_batch(batch: ImportBatch, data: bytes, importer: Importer,
              progress: Callable[[int, int], None] | None = None) -> ImportBatch:
    """Process one recorded import (inline or in the worker) and record its outcome and audit entry.

    When the file is written, its outcome is recorded inside the same transaction as its rows: a worker killed
    after the commit finds the batch finished and does not import it again; killed before, it finds nothing
    written and the batch still running, and imports it from the start."""
    batch.status = ImportStatus.RUNNING
    batch.save(update_fields=["status"])

    def report(done: int, total: int) -> None:
        ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=done, total_rows=total)
        if progress is not None:
            progress(done, total)

    try:
        outcome = importer.run(data=data, file_name=batch.file_name, user=batch.user, dry_run=batch.dry_run,
                               progress=report, inside=lambda outcome: _record(batch, outcome))
    except Exception as exc:  # recorded, not lost: the batch says what failed
        batch.status, batch.message, batch.finished_at = ImportStatus.FAILED, repr(exc)[:2000], timezone.now()
        batch.save()
        raise
    if ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.RUNNING).exists():
        _record(batch, outcome)  # a dry run, a file refused, or a write rolled back: nothing was recorded inside
    return batch


def _record(batch: ImportBatch, outcome: Outcome) -> None:
    batch.total_rows = batch.processed_rows = outcome.total
    batch.created, batch.updated, batch.unchanged = outcome.created, outcome.updated, outcome.unchanged
    batch.problem_count = len(outcome.problems)
    batch.problems = [p.as_dict() for p in outcome.problems[:MAX_STORED_PROBLEMS]]
    batch.status = ImportStatus.REJECTED if outcome.problems else ImportStatus.DONE
    batch.finished_at = timezone.now()
    batch.save()
    if not batch.dry_run:
        log(action=AuditAction.CREATE if not outcome.problems else AuditAction.UPDATE, instance=batch, user=batch.user,
            note=f"import {batch.kind} {batch.file_name} sha256={batch.checksum} created={batch.created} "
                 f"updated={batch.updated} unchanged={batch.unchanged} problems={batch.problem_count}")


def problems_table(batch: ImportBatch) -> Any:
    return Table(title="خطاهای ورود داده", headers=["ردیف", "ستون", "مقدار", "اشکال"],
                 rows=[[p["row"], p["column"], p["value"], p["message"]] for p in batch.problems],
                 filename=f"import-problems-{batch.pk}")
