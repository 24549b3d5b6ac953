"""Numbers people read and type back: <letter>-<province>-<Jalali year>-<sequence> (V-26-1405-0007), as the
licensing letters are numbered; two desks numbering at once: the loser takes the next one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import IntegrityError, models, transaction

from maharat.common import jalali
from maharat.org.models import Unit, UnitKind


def prefix(letter: str, unit: Unit, day: dt.date) -> str:
    province = unit if unit.kind == UnitKind.PROVINCE else unit.province
    digits = province.code.split("-")[-1] if province is not None else "00"
    return f"{letter}-{digits}-{jalali.year_of(day)}-"


def next_number(model: type[models.Model], field: str, start: str) -> str:
    last = (model._default_manager.filter(**{f"{field}__startswith": start}).order_by(f"-{field}")
            .values_list(field, flat=True).first())
    seq = int(str(last).rsplit("-", 1)[1]) + 1 if last else 1
    return f"{start}{seq:04d}"


def save_numbered(instance: models.Model, field: str, make: Callable[[], str], save: Callable[[], None]) -> None:
    for attempt in range(5):
        setattr(instance, field, make())
        try:
            with transaction.atomic():
                save()
            return
        except IntegrityError:
            if attempt == 4:
                raise
