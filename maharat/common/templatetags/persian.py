"""Template filters for Persian display: digits, numbers and Jalali dates."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import get_language

from maharat.common import jalali
from maharat.common.persian import format_number, to_persian_digits

register = template.Library()


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


@register.filter
def fa(value: object) -> str:
    """Persian digits in Persian pages; unchanged in English."""
    if value is None:
        return ""
    return to_persian_digits(value) if _persian() else str(value)


@register.filter
def num(value: object, decimals: int | bool = 0) -> str:
    if value is None or value == "":
        return "—"
    decimals = int(decimals)  # templates pass booleans: num:indicator.is_ratio
    number = float(value) if decimals else int(round(float(value)))  # type: ignore[arg-type]
    text = format_number(number, decimals)
    if _persian():
        return text
    return f"{number:,.{decimals}f}" if decimals else f"{number:,}"


@register.filter
def jdate(value: dt.date | dt.datetime | None, style: str = "") -> str:
    if not isinstance(value, dt.date):
        return "—"
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value) if timezone.is_aware(value) else value
        time = value.strftime("%H:%M")
        text = jalali.format_date(value, long=style == "long", persian_digits=False) + f" {time}"
        return to_persian_digits(text) if _persian() else text
    return jalali.format_date(value, long=style == "long", persian_digits=_persian())


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: object) -> str:
    """The current query string with some parameters replaced: for pagination links that keep filters."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None
