"""Template filters for display in the page's language: digits, numbers, Jalali dates, month and unit names.

Persian pages show Persian digits (۱۴۰۴) and the Persian percent sign (٪); English pages Latin digits and %.
Codes and serials (unit codes, national codes, certificate serials, usernames) are not display text: they are
shown exactly as typed and stored, Latin characters and digits, the same on every page and in both languages,
inside `dir="ltr"` (the `code` filter) — so that what a user reads can be typed back and found.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import get_language

from maharat.common import jalali
from maharat.common.persian import format_number, localize_digits, to_latin_display, to_persian_digits

register = template.Library()


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


@register.filter
def fa(value: object) -> str:
    """Persian digits in Persian pages; Latin digits in English (even when the text was built with Persian
    ones). Not for codes: see `code`."""
    if value is None:
        return ""
    return to_persian_digits(value) if _persian() else to_latin_display(value)


@register.filter
def digits(value: object) -> str:
    """Display text in the page's digits (and ٪ / %), leaving codes and serials inside it as stored: for
    titles and messages that mix words, numbers and codes ("ویرایش کارگاه ۳ — IR-20-01-C01")."""
    return localize_digits(value)


@register.filter
def pct(value: object, decimals: int = 0) -> str:
    """A percentage in the page's language: ۴۵٫۲٪ or 45.2%."""
    if value is None or value == "":
        return "—"
    return f"{num(value, decimals)}{'٪' if _persian() else '%'}"


@register.filter(is_safe=True)
def code(value: object) -> str:
    """A code or serial as stored (Latin), isolated left to right in both languages."""
    from django.utils.html import format_html

    if value is None or value == "":
        return "—"
    return format_html('<bdi dir="ltr" class="font-monospace">{}</bdi>', value)


@register.filter
def local_name(obj: object) -> str:
    """A record's name in the page's language: its stored English twin in English when it has one (a unit's
    name_en, a target group's name_en, a standard's title_en), else the stored name (digits as the page's)."""
    if obj is None:
        return ""
    for field, twin in (("name", "name_en"), ("title", "title_en")):
        name = getattr(obj, field, None)
        if name is not None:
            english = getattr(obj, twin, "") if not _persian() else ""
            return english or localize_digits(name)
    return localize_digits(obj)


unit_name = register.filter("unit_name", local_name)


@register.filter
def month(value: object) -> str:
    """A Jalali month's name (1-12) in the page's language."""
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return ""
    return jalali.month_name(number) if 1 <= number <= 12 else ""


@register.simple_tag
def jalali_today() -> str:
    """Today, long form, in the page's language (۱۲ آذر ۱۴۰۵ / 12 Azar 1405)."""
    return jalali.format_date(jalali.today().togregorian(), long=True, persian_digits=_persian(), localized=True)


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
        text = jalali.format_date(value, long=style == "long", persian_digits=False, localized=True) + f" {time}"
        return to_persian_digits(text) if _persian() else text
    return jalali.format_date(value, long=style == "long", persian_digits=_persian(), localized=True)


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
