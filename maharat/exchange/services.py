"""Starting imports (inline for small files, in the background worker for large ones) and templates."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.kit import importing

from .jobs import checksum, run_batch
from .models import ImportBatch, ImportStatus

INLINE_LIMIT_BYTES = 400_000  # about 5,000 rows: answered at once; larger files go to the worker


def may_import(user: Any, kind: str) -> bool:
    """May the role import this kind at all (each row is then checked against the scope)?"""
    if kind not in importing.KINDS:
        return False
    cls = importing.get(kind)
    return policy.may(user, cls.import_action, policy.record_of(cls.model))


def store(batch: ImportBatch, data: bytes) -> None:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{batch.pk}{Path(batch.file_name).suffix.lower()}"
    path.write_bytes(data)
    batch.stored_path = str(path)
    batch.save(update_fields=["stored_path"])


def start_import(*, user: Any, kind: str, file_name: str, data: bytes, dry_run: bool, background: bool | None = None) -> ImportBatch:
    if user is not None and not may_import(user, kind):
        raise PermissionDenied(_("نقش شما اجازه ورود این نوع داده را ندارد."))
    if background is None:
        background = len(data) > INLINE_LIMIT_BYTES
    # Queued only once its file is stored, in one transaction: the worker must never take an inline import,
    # nor one whose file is not there yet.
    with transaction.atomic():
        batch = ImportBatch.objects.create(kind=kind, user=user, file_name=Path(file_name).name[:255],
                                           checksum=checksum(data), dry_run=dry_run,
                                           status=ImportStatus.QUEUED if background else ImportStatus.RUNNING)
        store(batch, data)
    if not background:
        run_batch(batch, data, importing.get(kind)())
    return batch


def process_next() -> ImportBatch | None:
    """Take the oldest queued import and run it; the worker calls this in a loop."""
    with transaction.atomic():
        qs = ImportBatch.objects.filter(status=ImportStatus.QUEUED).order_by("created_at")
        batch = qs.select_for_update(skip_locked=True).first() if _supports_skip_locked() else qs.first()
        if batch is None:
            return None
        batch.status = ImportStatus.RUNNING
        batch.save(update_fields=["status"])
    try:
        data = Path(batch.stored_path).read_bytes()
        return run_batch(batch, data, importing.get(batch.kind)())
    except (OperationalError, InterfaceError):
        raise  # the database went away: work() reconnects and goes on
    except Exception as exc:  # a bad batch fails, not the worker, which goes on with the next one
        ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.RUNNING).update(
            status=ImportStatus.FAILED, message=repr(exc)[:2000], finished_at=timezone.now())
        return batch


def _supports_skip_locked() -> bool:
    from django.db import connection

    return connection.features.has_select_for_update_skip_locked


def work(*, once: bool = False, idle: float = 1.0) -> int:
    """The worker's loop: queued imports first, then figures a catalogue edit left to recompute."""
    from maharat.monitoring.summaries import refresh_stale

    done = 0
    while True:
        if not connection.in_atomic_block:  # as between two requests (never inside a caller's transaction)
            close_old_connections()
        try:
            busy = process_next() is not None or bool(refresh_stale())
        except (OperationalError, InterfaceError):
            # PostgreSQL restarted or is briefly away: drop the dead connection and try again shortly,
            # rather than end the worker (queued imports would wait for ever). docs/reliability.md.
            connection.close()
            if once:
                raise
            time.sleep(min(5.0, idle * 2))
            continue
        if busy:
            done += 1
            continue
        if once:
            return done
        time.sleep(idle)


def template_xlsx(kind: str) -> bytes:
    """The import template: Persian headers, right-to-left, drop-down lists for coded columns, one example row."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    importer = importing.get(kind)()
    wb = Workbook()
    ws = wb.active
    ws.title = importer.title[:31]
    ws.sheet_view.rightToLeft = True
    lists = wb.create_sheet("فهرست‌ها")
    lists.sheet_state = "hidden"
    for i, col in enumerate(importer.columns, start=1):
        cell = ws.cell(row=1, column=i, value=col.header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBEE" if col.required else "F2F2F2")
        note = ("اجباری" if col.required else "اختیاری") + (f" — {col.help}" if col.help else "")
        cell.comment = Comment(note, "Maharat")
        ws.cell(row=2, column=i, value=next((label for v, label in col.choices if v == col.example), col.example))
        ws.column_dimensions[cell.column_letter].width = max(14, len(col.header) + 4)
        if col.choices:
            for j, (_value, label) in enumerate(col.choices, start=1):
                lists.cell(row=j, column=i, value=str(label))
            letter = cell.column_letter
            rule = DataValidation(type="list", formula1=f"='فهرست‌ها'!${letter}$1:${letter}${len(col.choices)}",
                                  allow_blank=not col.required)
            rule.error, rule.errorTitle = "یکی از مقادیر فهرست را انتخاب کنید.", "مقدار نامعتبر"
            ws.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}100000")
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
