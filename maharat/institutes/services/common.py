"""What the licensing writes share: boards, the numbering of licences, letters and applications, the dates a
decision may carry and the decision record itself (each saved numbered and audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maharat.access.records import tree
from maharat.audit.models import AuditAction
from maharat.audit.services import log, snapshot
from maharat.common import jalali
from maharat.common.persian import localize_digits
from maharat.org.models import Unit, UnitKind
from maharat.workdays.selectors import OutOfCalendar, add_working_days

from .. import rules
from ..models import (
    Application,
    Board,
    BoardLevel,
    Decision,
    Licence,
)

MAX_CAPACITY = 2000  # trainees an institute can hold at once; a typo of 10**6 is refused, not stored
RENEWAL_WINDOW = dt.timedelta(days=180)  # a renewal is applied for in the last six months of the term, or after
BACKDATE = dt.timedelta(days=60)  # how far back a board's decision may be recorded (minutes typed in late)


# ------------------------------------------------------------------------------------------ boards, numbers
def board_for(unit: Unit, level: str = BoardLevel.PROVINCIAL) -> Board:
    """The province's board (or the central board at HQ) for a unit anywhere below it."""
    if level == BoardLevel.CENTRAL:
        hq = tree().root()
        with translation.override("fa"):  # a board's name is stored in Persian, whatever page created it
            name = _("هیأت نظارت مرکزی")
        board, _created = Board.objects.get_or_create(unit=hq, level=level, defaults={"name": name})
        return board
    province = unit if unit.kind == UnitKind.PROVINCE else unit.province
    if province is None:
        raise ValidationError(_("این واحد زیر هیچ استانی نیست."))
    with translation.override("fa"):
        name = _("هیأت نظارت آموزشگاه‌های آزاد {province}").format(province=province.name)
    board, _created = Board.objects.get_or_create(unit=province, level=level, defaults={"name": name})
    return board


def _province_digits(unit: Unit) -> str:
    province = unit if unit.kind == UnitKind.PROVINCE else unit.province
    return (province.code.split("-")[-1] if province is not None else "00")


def _next(model: type[models.Model], field: str, prefix: str) -> str:
    last = (model._default_manager.filter(**{f"{field}__startswith": prefix}).order_by(f"-{field}")
            .values_list(field, flat=True).first())
    seq = int(str(last).rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def number_for(model: type[models.Model], field: str, letter: str, unit: Unit, day: dt.date) -> str:
    """<letter>-<province>-<Jalali year>-<sequence>: readable on the phone, the same in every script."""
    return _next(model, field, f"{letter}-{_province_digits(unit)}-{jalali.year_of(day)}-")


def _saved_with_number(instance: models.Model, field: str, make: Any) -> None:
    """Save with a fresh number; two desks numbering at once: the loser takes the next one."""
    for attempt in range(5):
        setattr(instance, field, make())
        try:
            with transaction.atomic():
                instance.save()
            return
        except IntegrityError:
            if attempt == 4:
                raise


def _collect(errors: dict[str, list[str]], exc: ValidationError) -> None:
    for field, messages in exc.message_dict.items():
        errors.setdefault(field, []).extend(messages)


def _decided_on(day: dt.date | None) -> dt.date:
    today = timezone.localdate()
    day = day or today
    if not jalali.supported_date(day):
        raise ValidationError({"decided_on": _(jalali.YEAR_RANGE_MESSAGE)})
    if day > today:
        raise ValidationError({"decided_on": _("تاریخ تصمیم نمی‌تواند بعد از امروز باشد.")})
    if day < today - BACKDATE:
        raise ValidationError({"decided_on": _("تاریخ تصمیم حداکثر {n} روز پیش از امروز است.").format(
            n=localize_digits(BACKDATE.days))})
    return day


def _appeal_until(day: dt.date) -> dt.date:
    try:
        return add_working_days(day, rules.appeal_working_days())
    except OutOfCalendar:
        return day + dt.timedelta(days=rules.appeal_working_days() * 7 // 5 + 2)


def _new_decision(user: Any, *, kind: str, unit: Unit, board: Board, reason: str, decided_on: dt.date,
                  licence: Licence | None = None, application: Application | None = None, **fields: Any) -> Decision:
    decision = Decision(kind=kind, unit=unit, licence=licence, application=application, board=board, reason=reason,
                        decided_on=decided_on, effective_from=fields.pop("effective_from", None) or decided_on,
                        appeal_until=_appeal_until(decided_on), decided_by=user if getattr(user, "pk", None) else None,
                        **fields)
    _saved_with_number(decision, "number", lambda: number_for(Decision, "number", "D", unit, decided_on))
    log(action=AuditAction.DECIDE, instance=decision, new=snapshot(decision), unit=unit, user=user, note=reason)
    return decision
