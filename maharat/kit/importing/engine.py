"""The import engine: read, check every row, then write all or nothing.

A kind (in the importers.py of the app that owns its record) declares its columns and how a row becomes a
record; the engine does the rest the same way for every kind: Persian problems naming row and column,
duplicates within the file, the permission layer and the period locks as for a page's save (access.policy,
access.writes), a dry run, idempotent writes (a row equal to the stored record changes nothing), bulk writes
and one audit entry per record written, with its old and new values.

It imports only common, audit and access: what a kind needs of another app it asks itself, and the apps above
hear of a write through `signals` (before_write, after_write).
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from maharat.access import policy
from maharat.access.records import tree
from maharat.audit.models import AuditAction
from maharat.audit.services import log_many
from maharat.common import jalali
from maharat.common.reading import UnreadableFile, rows

from . import signals
from .columns import Column, Outcome, Problem, Row, header_map, parse_row
from .periods import PeriodLocks


@dataclass
class Plan:
    """A checked file: what to create and what to change (with the stored versions), and the months it touches."""

    ctx: dict[str, Any]
    periods: PeriodLocks
    creates: list[models.Model] = field(default_factory=list)
    updates: list[models.Model] = field(default_factory=list)
    olds: list[models.Model] = field(default_factory=list)


class _Refused(Exception):
    """Raised inside the write's transaction to roll it back, carrying the rows' problems."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


class Importer(ABC):
    kind: ClassVar[str] = ""  # the name in URLs (/import/export/<kind>/) and in stored batches
    title: ClassVar[str] = ""
    order: ClassVar[int] = 100  # the place in the import page's list
    columns: ClassVar[tuple[Column, ...]] = ()
    key_columns: ClassVar[tuple[str, ...]] = ()
    model: ClassVar[type[models.Model]]
    import_action: ClassVar[str] = "add"  # what the role must be allowed on the record's kind to import it
    # A stored record found by the row's key but outside the importer's scope: refused before anything is
    # compared, so a dry run does not tell "unchanged" from "updated" for someone else's record.
    outside_scope = "این کد متعلق به رکوردی خارج از حوزه شماست و با ورود داده تغییر نمی‌کند."
    user: Any = None

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
        """The record as the row describes it (a changed copy of `current`, or a new one); raises
        ValidationError with the domain's own message (the model's clean() or the app's validator)."""

    def compare_fields(self) -> list[str]:
        return [f.attname for f in self.model._meta.concrete_fields if not f.primary_key]

    def write(self, creates: list[models.Model], updates: list[models.Model], ctx: dict[str, Any]) -> None:
        manager = self.model._default_manager
        manager.bulk_create(creates, batch_size=2000)
        if updates:
            manager.bulk_update(updates, self.compare_fields(), batch_size=2000)

    def assign_created_ids(self, creates: list[models.Model], ctx: dict[str, Any]) -> None:
        """Records written with COPY come back without ids; kinds that write so look them up here."""
        return None

    # ---- export in the same format, so that export → import is a round trip
    def export_queryset(self) -> Any:
        return self.model._default_manager.all()

    def export_cell(self, obj: models.Model, col: Column) -> Any:
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

    def export_rows(self, queryset: Any) -> Iterator[list[Any]]:
        for obj in queryset.iterator(chunk_size=2000):
            yield [self.export_cell(obj, col) for col in self.columns]

    # ---- the engine
    def header_of(self, key: str) -> str:
        return next((c.header for c in self.columns if c.key == key), key)

    def run(self, *, data: bytes, file_name: str, user: Any, dry_run: bool,
            progress: Callable[[int, int], None] | None = None,
            inside: Callable[[Outcome], None] | None = None) -> Outcome:
        """`inside` is called in the write's own transaction, once the rows are written (the caller records the
        outcome there, so that a crash cannot leave the rows written and the import not known to be done)."""
        outcome = Outcome()
        self.user = user
        parsed = self.read(data, file_name, outcome)
        if parsed is None:
            return outcome
        plan = self.plan(parsed, outcome, progress)
        if outcome.problems or dry_run:
            return outcome
        self.commit(plan, outcome, inside)
        return outcome

    def read(self, data: bytes, file_name: str, outcome: Outcome) -> list[Row] | None:
        """The file's rows, parsed and without duplicates; None when the file itself cannot be used."""
        try:
            all_rows = [r for r in rows(data, file_name) if any(c.strip() for c in r)]
        except UnreadableFile as exc:
            outcome.problems.append(Problem(0, "", file_name, str(exc)))
            return None
        if not all_rows:
            outcome.problems.append(Problem(0, "", file_name, "فایل خالی است."))
            return None
        mapping, problems = header_map(self.columns, all_rows[0])
        if problems:
            outcome.problems = problems
            return None
        parsed: list[Row] = []
        seen: dict[tuple, int] = {}
        for number, cells in enumerate(all_rows[1:], start=2):
            row, row_problems = parse_row(number, cells, mapping)
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
        return parsed

    def plan(self, parsed: list[Row], outcome: Outcome, progress: Callable[[int, int], None] | None = None) -> Plan:
        """Check every row as a page's save would (scope, the record's own rules, permission, period lock)."""
        plan = Plan(ctx=self.prefetch(parsed), periods=PeriodLocks())
        ctx = plan.ctx
        current = self.existing([self.key(r.data) for r in parsed], ctx)
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
                self.check_allowed(self.user, record, stored, ctx)
                plan.periods.check(row.number, stored, record)
            except ValidationError as exc:
                outcome.problems += self.problems_from(row, exc)
                continue
            (plan.updates if stored is not None else plan.creates).append(record)
            if stored is not None:
                plan.olds.append(stored)
        outcome.created, outcome.updated = len(plan.creates), len(plan.updates)
        return plan

    def commit(self, plan: Plan, outcome: Outcome, inside: Callable[[Outcome], None] | None = None) -> None:
        """Write the plan in one transaction, the months it touches held and asked again before the first
        row is written and once more before the commit: a month locked meanwhile writes nothing."""
        sent = {"sender": self.model, "importer": self, "creates": plan.creates, "updates": plan.updates,
                "state": {}}
        try:
            with transaction.atomic():
                self.refuse_locked(plan)
                signals.before_write.send(**sent)
                self.write(plan.creates, plan.updates, plan.ctx)
                self.assign_created_ids(plan.creates, plan.ctx)
                signals.after_write.send(**sent)
                self.audit(plan.creates, list(zip(plan.olds, plan.updates, strict=True)))
                self.refuse_locked(plan)
                if inside is not None:
                    inside(outcome)
        except _Refused as refused:
            outcome.problems += refused.problems

    def refuse_locked(self, plan: Plan) -> None:
        problems = plan.periods.hold()
        if problems:
            raise _Refused(problems)

    def audit(self, creates: list[models.Model], updates: list[tuple[models.Model, models.Model]]) -> None:
        """One audit entry per record written, with its old and new values, as a page's save would leave."""
        fields = self.compare_fields()
        every = [f.attname for f in self.model._meta.concrete_fields if not f.primary_key]
        records: list[tuple[str, models.Model, dict[str, list[Any]], Any]]
        records = [(AuditAction.CREATE, r, {f: [None, getattr(r, f)] for f in every}, policy.unit_of(r)) for r in creates]
        records += [(AuditAction.UPDATE, new, {f: [getattr(old, f), getattr(new, f)] for f in fields
                                               if getattr(old, f) != getattr(new, f)}, policy.unit_of(new))
                    for old, new in updates]
        log_many(records=records, user=self.user)

    # ---- the checks every kind shares
    def visible(self, qs: Any) -> Any:
        """References (a unit, a course run, a trainer ...) resolve only inside the importer's scope, so a code
        from elsewhere gets the same answer as an unknown one."""
        return policy.scope(self.user, qs) if self.user is not None else qs

    def units_by_code(self, codes: set[str]) -> dict[str, Any]:
        """Units of the organisation tree (the model org hands to the permission layer) by code, in scope."""
        unit_model = tree().model
        return {u.code: u for u in self.visible(unit_model._default_manager.filter(code__in=codes))}

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
        """The permission layer, as for a page's save; the period lock is checked after it for every kind."""
        if user is None:
            return
        action = "change" if stored is not None else "add"
        # The policy decides by role, kind of record and the unit it belongs to: asked once per unit.
        unit = policy.unit_of(record)
        allowed = ctx.setdefault("allowed", {})
        key = (action, unit.pk if unit is not None else None)
        if key not in allowed:
            allowed[key] = policy.can(user, action, record)
        if not allowed[key]:
            raise ValidationError("شما اجازه ثبت یا تغییر این رکورد را ندارید (خارج از حوزه یا نقش شما).")

    def problems_from(self, row: Row, exc: ValidationError) -> list[Problem]:
        if hasattr(exc, "error_dict"):
            return [Problem(row.number, self.header_of(k), row.raw.get(k, ""), m)
                    for k, errors in exc.message_dict.items() for m in errors]
        return [Problem(row.number, "", "", m) for m in exc.messages]
