"""Reading years and numbers from query strings and forms: one parser, one range, Persian messages.

Pages fall back to a default (the current year) and say why; the API answers 400 with the field named
(BadParameter is a ValidationError, which api/errors.py turns into the structured error).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from . import jalali
from .persian import localize_digits, normalize_digits


class BadParameter(ValidationError):
    """A query or form value that cannot be used, with a Persian message naming the field."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__({name: [message]})
        self.name, self.text = name, message


def parse_int(text: Any, default: int | None = None, *, name: str, low: int, high: int, message: str = "") -> int | None:
    """A whole number between low and high from what was typed (Persian digits too); `default` if empty."""
    if text is None:
        return default
    value = normalize_digits(str(text)).strip()
    if value == "":
        return default
    problem = message or _("«{name}» باید عددی صحیح بین {low} و {high} باشد.").format(
        name=name, low=localize_digits(low), high=localize_digits(high))
    digits = value[1:] if value[:1] in "+-" else value
    # Digits only, and few of them: int() of a 100,000-digit string is slow, and not a number anyone means.
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
        raise BadParameter(name, problem)
    number = int(value)
    if not low <= number <= high:
        raise BadParameter(name, problem)
    return number


def parse_year(text: Any, default: int | None = None, *, name: str = "year") -> int | None:
    """A Jalali year (1300 to 1500) from '1403', '۱۴۰۳' or ' 1403 '; `default` when nothing was given."""
    return parse_int(text, default, name=name, low=jalali.YEAR_MIN, high=jalali.YEAR_MAX,
                     message=_("سال باید عددی بین ۱۳۰۰ و ۱۵۰۰ باشد، مثلاً ۱۴۰۳."))


def requested_year(request: HttpRequest, default: int | None = None) -> tuple[int, str]:
    """The year a page works on: ?year= (or a posted year), else `default`, else this year; and, when the
    year given cannot be used, the Persian reason (the year returned is then the default)."""
    fallback = default if default is not None and jalali.supported_year(default) else jalali.today().year
    text = request.GET.get("year") or request.POST.get("year")
    try:
        return parse_year(text, fallback) or fallback, ""
    except BadParameter as exc:
        return fallback, exc.text


def year_of_request(request: HttpRequest, default: int | None = None) -> int:
    """requested_year for pages that only show: a year that cannot be used is replaced by the default, with
    a message saying so (a page never fails on a bad link)."""
    year, problem = requested_year(request, default)
    if problem:
        messages.warning(request, _("{problem} سال {year} نمایش داده شد.").format(problem=problem,
                                                                                 year=localize_digits(year)))
    return year
