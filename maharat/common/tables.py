"""Columns of the list pages: one place that turns a record's value into what a Persian reader sees."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .templatetags.persian import fa, jdate, num


def _resolve(obj: Any, path: str) -> tuple[Any, Any, str]:
    """Follow 'a__b__c' and return (owner of the last attribute, value, last attribute name)."""
    *parents, last = path.split("__")
    owner = obj
    for part in parents:
        owner = getattr(owner, part, None)
        if owner is None:
            return None, None, last
    return owner, getattr(owner, last, None), last


def english_twin(model: type[models.Model] | None, name: str) -> str | None:
    """The English twin of a stored Persian text field, if the model keeps one (a unit's `name_en`, a
    standard's `title_en`, a target group's `name_en`): the concrete field `<name>_en`, by its attname."""
    if model is None or not hasattr(model, "_meta") or name.endswith("_en"):
        return None
    twin: Any
    try:
        twin = model._meta.get_field(f"{name}_en")
    except FieldDoesNotExist:
        return None
    return twin.attname if getattr(twin, "concrete", False) and not twin.is_relation else None


def english_page() -> bool:
    """Is the page being built an English one (the twins of stored names are shown there)?"""
    return not (get_language() or "fa").startswith("fa")


# Fields that hold identifiers (unit, course and standard codes; licence, letter and tracking numbers).
CODE_FIELDS = frozenset({"code", "number", "serial", "tracking_code"})


def display(obj: Any, path: str) -> str:
    owner, value, last = _resolve(obj, path)
    if owner is not None and english_page():
        twin = english_twin(type(owner), last)
        if twin and getattr(owner, twin, ""):  # loaded with the record (select_related): no query of its own
            value = getattr(owner, twin)
    if owner is None or value is None or value == "":
        return "—"
    getter = getattr(owner, f"get_{last}_display", None)
    if callable(getter):
        return fa(getter())
    if callable(value):
        value = value()
    if isinstance(value, bool):
        return _("بله") if value else _("خیر")
    if isinstance(value, (dt.date, dt.datetime)):
        return jdate(value)
    if isinstance(value, int):
        return num(value)
    if last in CODE_FIELDS:
        return str(value)  # codes, serials and letter numbers are Latin identifiers people type as they are
    return fa(value)


def field_label(model: type[models.Model], path: str) -> str:
    current: Any = model
    label = path
    for part in path.split("__"):
        try:
            field = current._meta.get_field(part)
        except Exception:  # a property: the view gives a label
            return label
        label = str(field.verbose_name)
        current = field.related_model or current
    return label


@dataclass(frozen=True)
class Column:
    field: str
    label: str = ""
    link: bool = False

    def header(self, model: type[models.Model]) -> str:
        return str(self.label) if self.label else field_label(model, self.field)


def export_value(obj: Any, path: str) -> Any:
    """The value for a spreadsheet cell: numbers and dates stay typed, choices show their label."""
    owner, value, last = _resolve(obj, path)
    if owner is not None and english_page():
        twin = english_twin(type(owner), last)
        if twin and getattr(owner, twin, ""):
            value = getattr(owner, twin)
    if owner is None or value is None:
        return None
    getter = getattr(owner, f"get_{last}_display", None)
    if callable(getter):
        return str(getter())
    if callable(value):
        value = value()
    if isinstance(value, bool):
        return _("بله") if value else _("خیر")
    if isinstance(value, (int, float, dt.date)):
        return value
    return str(value)
