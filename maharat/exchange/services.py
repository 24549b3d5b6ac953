"""Starting imports (inline for small files, as a background job for large ones) and templates."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.jobs import registry as jobs_registry
from maharat.jobs import services as jobs
from maharat.jobs.models import Job
from maharat.jobs.registry import Progress, Result
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
    # nor one whose file is not there yet (the job goes on the queue when this transaction commits).
    with transaction.atomic():
        batch = ImportBatch.objects.create(kind=kind, user=user, file_name=Path(file_name).name[:255],
                                           checksum=checksum(data), dry_run=dry_run,
                                           status=ImportStatus.QUEUED if background else ImportStatus.RUNNING)
        store(batch, data)
        if background:
            title = _("بررسی فایل {name}") if dry_run else _("ورود فایل {name}")
            jobs.start(kind=IMPORT_JOB, title=title.format(name=batch.file_name), user=user,
                       params={"batch": batch.pk})
    if not background:
        run_batch(batch, data, importing.get(kind)())
    return batch


IMPORT_JOB = "import"


def _import_job(job: Job, progress: Progress) -> Result:
    """The worker's side of a background import; run again after a crash, it finds a finished batch finished."""
    batch = ImportBatch.objects.get(pk=job.params["batch"])
    if batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        run_batch(batch, Path(batch.stored_path).read_bytes(), importing.get(batch.kind)(), progress=progress)
        batch.refresh_from_db()
    return Result(message=outcome_message(batch))


def outcome_message(batch: ImportBatch) -> str:
    if batch.status == ImportStatus.DONE:
        return _("{total} ردیف: {created} افزوده، {updated} به‌روز، {unchanged} بدون تغییر.").format(
            total=batch.total_rows, created=batch.created, updated=batch.updated, unchanged=batch.unchanged)
    if batch.status == ImportStatus.REJECTED:
        return _("{count} خطا در فایل؛ هیچ ردیفی ثبت نشد.").format(count=batch.problem_count)
    return batch.get_status_display()


jobs_registry.register(IMPORT_JOB, _import_job)


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
