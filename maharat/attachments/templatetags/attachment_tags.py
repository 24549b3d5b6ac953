from __future__ import annotations

from django import template

from maharat.common.templatetags.persian import num

from ..content.types import size_parts

register = template.Library()


@register.filter
def filesize(value: object) -> str:
    """A size in bytes as a person reads it, in the page's digits: ۸۰۰ بایت, ۱۲ کیلوبایت, ۱٫۴ مگابایت."""
    try:
        size = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return "—"
    number, decimals, unit = size_parts(size)
    return f"{num(number, decimals)} {unit}"
