"""The import engine: read, check every row, then write all or nothing.

An importer declares its columns and how a row becomes a record; the engine does the rest the same way
for every kind: Persian problems naming row and column, duplicates within the file, permission and period
lock checks through the same layers as the pages, a dry run, idempotent writes (a row equal to the stored
record changes nothing), and a recorded, audited ImportBatch.
"""

from __future__ import annotations

import functools
import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from maharat.access import policy
from maharat.access.writes import period_keys
from maharat.approval.locks import Period, lock_reason
from maharat.approval.locks import message as lock_message
from maharat.audit.models import AuditAction
from maharat.audit.services import log, log_many
from maharat.common.persian import normalize
from maharat.common.reading import UnreadableFile, rows

from ..models import ImportBatch, ImportStatus

MAX_STORED_PROBLEMS = 2000


@functools.lru_cache(maxsize=256)
def _choice_lookup(choices: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Stored value or normalised Persian label -> stored value, built once per column."""
    lookup = {normalize(str(label)): value for value, label in choices}
    lookup.update({value: value for value, _ in choices})
    return lookup


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = True
    parse: Callable[[str], Any] = str
    choices: tuple[tuple[str, str], ...] = ()  # (stored value, Persian label): either is accepted
    example: str = ""
    help: str = ""


@dataclass
class Problem:
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass
class Outcome:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Row:
    number: int  # as the spreadsheet numbers it (header = 1)
    data: dict[str, Any]
    raw: dict[str, str]


class Importer(ABC):
    kind: str = ""
    title: str = ""
    columns: tuple[Column, ...] = ()
    model: type[models.Model]
    action_record: str = ""  # the policy's kind of record

    # ---- to implement per kind
    @abstractmethod
    def key(self, data: dict[str, Any]) -> tuple:
        """The natural key that identifies the record (a national code, a code, ...)."""

    def prefetch(self, parsed: list[Row]) -> dict[str, Any]:
        return {}

    @abstractmethod
    def existing(self, keys: list[tuple], ctx: dict[str, Any]) -> dict[tuple, models.Model]:
        """The stored records for these keys, fetched in bulk."""

    @abstractmethod
    def build(self, data: dict[str, Any], current: models.Model | None, ctx: dict[str, Any]) -> models.Model:
        """The record as the row describes it (a changed copy of `current`, or a new one); raises ValidationError."""

    def compare_fields(self) -> list[str]:
        return [f.attname for f in self.model._meta.concrete_fields if not f.primary_key]

    def write(self, creates: list[models.Model], updates: list[models.Model], ctx: dict[str, Any]) -> None:
        self.model.objects.bulk_create(creates, batch_size=2000)
        if updates:
            self.model.objects.bulk_update(updates, self.compare_fields(), batch_size=2000)

    def touched(self, records: list[models.Model], ctx: dict[str, Any]) -> None:
        """Tell the summary tables what the write touched (bulk writes send no signals).
        Kinds that monitoring does not count (units, trainers, workshops, commitments) touch nothing."""
        return None

    # ---- export in the same format, so that export → import is a round trip
    def export_queryset(self) -> Any:
        return self.model._default_manager.all()

    def export_cell(self, obj: models.Model, col: Column) -> Any:
        import datetime as dt

        from maharat.common import jalali

        value = getattr(obj, col.key, None)
        if isinstance(value, models.Model):
            value = getattr(value, "code", None) or getattr(value, "national_code", None) or value.pk
        if col.choices and value not in (None, ""):
            value = next((label for v, label in col.choices if v == value), value)
        if isinstance(value, bool):
            value = "بله" if value else "خیر"
        if isinstance(value, dt.date):
            value = jalali.format_date(value, persian_digits=False)
        return "" if value is None else value

    def export_rows(self, queryset: Any) -> Any:
        for obj in queryset.iterator(chunk_size=2000):
            yield [self.export_cell(obj, col) for col in self.columns]

    # ---- the engine
    def header_map(self, header: list[str]) -> tuple[dict[int, Column], list[Problem]]:
        by_name = {}
        for col in self.columns:
            by_name[normalize(col.header)] = col
            by_name[col.key.lower()] = col
        mapping: dict[int, Column] = {}
        problems = []
        for i, name in enumerate(header):
            if not name:
                continue
            col = by_name.get(normalize(name)) or by_name.get(name.strip().lower())
            if col is None:
                problems.append(Problem(1, name, name, "ستون ناشناخته است؛ نام ستون‌ها را از الگوی دریافتی بردارید."))
            elif col in mapping.values():
                problems.append(Problem(1, name, name, "این ستون دو بار آمده است."))
            else:
                mapping[i] = col
        for col in self.columns:
            if col.required and col not in mapping.values():
                problems.append(Problem(1, col.header, "", "ستون اجباری در فایل نیست."))
        return mapping, problems

    def parse_row(self, number: int, cells: list[str], mapping: dict[int, Column]) -> tuple[Row, list[Problem]]:
        data: dict[str, Any] = {}
        raw: dict[str, str] = {}
        problems = []
        for i, col in mapping.items():
            text = cells[i].strip() if i < len(cells) else ""
            raw[col.key] = text
            if text == "":
                if col.required:
                    problems.append(Problem(number, col.header, "", "این خانه نباید خالی باشد."))
                data[col.key] = None
                continue
            if col.choices:
                value = _choice_lookup(col.choices).get(text)
                if value is None:
                    allowed = "، ".join(str(label) for _, label in col.choices[:12])
                    problems.append(Problem(number, col.header, text, f"مقدار مجاز نیست؛ یکی از این‌ها: {allowed}"))
                    continue
                text = value
            try:
                data[col.key] = col.parse(text)
            except (ValueError, ValidationError) as exc:
                message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
                problems.append(Problem(number, col.header, text, message or "مقدار نامعتبر است."))
        return Row(number, data, raw), problems

    def header_of(self, key: str) -> str:
        return next((c.header for c in self.columns if c.key == key), key)

    def run(self, *, data: bytes, file_name: str, user: Any, dry_run: bool,
            progress: Callable[[int, int], None] | None = None) -> Outcome:
        outcome = Outcome()
        self.user = user
        try:
            all_rows = [r for r in rows(data, file_name) if any(c.strip() for c in r)]
        except UnreadableFile as exc:
            outcome.problems.append(Problem(0, "", file_name, str(exc)))
            return outcome
        if not all_rows:
            outcome.problems.append(Problem(0, "", file_name, "فایل خالی است."))
            return outcome
        mapping, problems = self.header_map(all_rows[0])
        if problems:
            outcome.problems = problems
            return outcome
        parsed: list[Row] = []
        seen: dict[tuple, int] = {}
        for number, cells in enumerate(all_rows[1:], start=2):
            row, row_problems = self.parse_row(number, cells, mapping)
            outcome.problems += row_problems
            if row_problems:
                continue
            key = self.key(row.data)
            if key in seen:
                outcome.problems.append(Problem(number, self.header_of(self.key_columns[0]), str(key[0]),
                                                f"این ردیف تکرار ردیف {seen[key]} است."))
                continue
            seen[key] = number
            parsed.append(row)
        outcome.total = len(all_rows) - 1
        ctx = self.prefetch(parsed)
        current = self.existing([self.key(r.data) for r in parsed], ctx)
        creates, updates, olds = [], [], []
        for i, row in enumerate(parsed):
            if progress and i % 1000 == 0:
                progress(i, outcome.total)
            stored = current.get(self.key(row.data))
            try:
                if stored is not None and not self.may_touch(stored, ctx):
                    raise ValidationError({self.key_columns[0]: self.outside_scope})
                record = self.build(row.data, stored, ctx)
                if stored is not None and not self.differs(stored, record):
                    outcome.unchanged += 1
                    continue
                self.check_allowed(user, record, stored, ctx)
            except ValidationError as exc:
                outcome.problems += self.problems_from(row, exc)
                continue
            (updates if stored is not None else creates).append(record)
            if stored is not None:
                olds.append(stored)
        outcome.created, outcome.updated = len(creates), len(updates)
        if outcome.problems or dry_run:
            return outcome
        with transaction.atomic():
            self.write(creates, updates, ctx)
            self.touched(creates + updates, ctx)
            self.audit(creates, list(zip(olds, updates, strict=True)), ctx)
        return outcome

    def audit(self, creates: list[models.Model], updates: list[tuple[models.Model, models.Model]],
              ctx: dict[str, Any]) -> None:
        """One audit entry per record written, with its old and new values, as a page's save would leave."""
        fields = self.compare_fields()
        self.assign_created_ids(creates, ctx)
        every = [f.attname for f in self.model._meta.concrete_fields if not f.primary_key]
        records = [(AuditAction.CREATE, r, {f: [None, getattr(r, f)] for f in every}, policy.unit_of(r)) for r in creates]
        records += [(AuditAction.UPDATE, new, {f: [getattr(old, f), getattr(new, f)] for f in fields
                                               if getattr(old, f) != getattr(new, f)}, policy.unit_of(new))
                    for old, new in updates]
        log_many(records=records, user=self.user)

    def assign_created_ids(self, creates: list[models.Model], ctx: dict[str, Any]) -> None:
        """Records written with COPY come back without ids; kinds that write so look them up here."""
        return None

    key_columns: tuple[str, ...] = ()
    user: Any = None
    # A stored record found by the row's key but outside the importer's scope: refused before anything is
    # compared, so a dry run does not tell "unchanged" from "updated" for someone else's record.
    outside_scope = "این کد متعلق به رکوردی خارج از حوزه شماست و با ورود داده تغییر نمی‌کند."

    def visible(self, qs: Any) -> Any:
        """References (a unit, a course run, a trainer ...) resolve only inside the importer's scope, so a code
        from elsewhere gets the same answer as an unknown one."""
        return policy.scope(self.user, qs) if self.user is not None else qs

    def units_by_code(self, codes: set[str]) -> dict[str, Any]:
        from maharat.org.models import Unit

        return {u.code: u for u in self.visible(Unit.objects.filter(code__in=codes))}

    def may_touch(self, stored: models.Model, ctx: dict[str, Any]) -> bool:
        """May the importer change this stored record where it is now? Asked once per unit."""
        if self.user is None:
            return True
        unit = policy.owner_unit(stored)
        memo = ctx.setdefault("may_touch", {})
        key = unit.pk if unit is not None else None
        if key not in memo:
            memo[key] = policy.can(self.user, "change", stored)
        return memo[key]

    def differs(self, stored: models.Model, record: models.Model) -> bool:
        return any(getattr(stored, f) != getattr(record, f) for f in self.compare_fields())

    def check_allowed(self, user: Any, record: models.Model, stored: models.Model | None, ctx: dict[str, Any]) -> None:
        action = "change" if stored is not None else "add"
        if user is not None:
            # The policy decides by role, kind of record and the unit it belongs to: asked once per unit.
            unit = policy.unit_of(record)
            allowed = ctx.setdefault("allowed", {})
            key = (action, unit.pk if unit is not None else None)
            if key not in allowed:
                allowed[key] = policy.can(user, action, record)
            if not allowed[key]:
                raise ValidationError("شما اجازه ثبت یا تغییر این رکورد را ندارید (خارج از حوزه یا نقش شما).")
        # The same lock rules as every write (approval.locks), looked up once per unit and month of the file.
        memo, periods = ctx.setdefault("locks", {}), ctx.setdefault("periods", {})
        for unit_id, day in period_keys(stored) + period_keys(record):
            period = periods.get(day) or periods.setdefault(day, Period.of(day))
            key = (unit_id, period)
            if key not in memo:
                memo[key] = lock_reason(unit_id, period)
            if memo[key]:
                raise ValidationError(lock_message(memo[key], period))

    def problems_from(self, row: Row, exc: ValidationError) -> list[Problem]:
        if hasattr(exc, "error_dict"):
            return [Problem(row.number, self.header_of(k), row.raw.get(k, ""), m)
                    for k, errors in exc.message_dict.items() for m in errors]
        return [Problem(row.number, "", "", m) for m in exc.messages]


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def run_batch(batch: ImportBatch, data: bytes, importer: Importer) -> ImportBatch:
    """Process one recorded import (inline or in the worker) and record its outcome and audit entry."""
    batch.status = ImportStatus.RUNNING
    batch.save(update_fields=["status"])

    def progress(done: int, total: int) -> None:
        ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=done, total_rows=total)

    try:
        outcome = importer.run(data=data, file_name=batch.file_name, user=batch.user, dry_run=batch.dry_run,
                               progress=progress)
    except Exception as exc:  # recorded, not lost: the batch says what failed
        batch.status, batch.message, batch.finished_at = ImportStatus.FAILED, repr(exc)[:2000], timezone.now()
        batch.save()
        raise
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
    return batch


def problems_table(batch: ImportBatch) -> Any:
    from maharat.common.tabular import Table

    return Table(title="خطاهای ورود داده", headers=["ردیف", "ستون", "مقدار", "اشکال"],
                 rows=[[p["row"], p["column"], p["value"], p["message"]] for p in batch.problems],
                 filename=f"import-problems-{batch.pk}")

