"""Free text a user types into a record: the one rule of what it may hold (used by every domain's services,
so a page, an import and a call from another app are refused with the same Persian message)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from maharat.common.persian import localize_digits

# C0 and C1 controls and the bidi embeddings, overrides and isolates: invisible, they reorder or hide what is
# shown around them on every page, list and message that prints the text. Line breaks and tabs are text in a
# description or a note.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# A cell that starts like this is run as a formula by a spreadsheet that opens an export of it.
FORMULA = re.compile(r"^[=+\-@\t\r]")


def clean_text(value: object, *, field: str, label: str, limit: int, required: bool = False,
               multiline: bool = False, formula_ok: bool = True) -> str:
    """The text stripped, or a ValidationError naming the field: control characters, too long, missing, or
    (with `formula_ok=False`, for a name that lands in exports: an employer, a payment reference) a formula.
    (Arabic ي/ك become Persian when the record is saved: common/normalise.py.)"""
    text = str(value or "").strip()
    pattern = CONTROL_MULTILINE if multiline else CONTROL
    if pattern.search(text):
        raise ValidationError({field: _("«{label}» نویسه کنترلی یا جهت‌دهی نامرئی دارد که مجاز نیست.").format(
            label=label)})
    if len(text) > limit:
        raise ValidationError({field: _("«{label}» حداکثر {limit} نویسه است.").format(
            label=label, limit=localize_digits(limit))})
    if required and not text:
        raise ValidationError({field: _("«{label}» را بنویسید.").format(label=label)})
    if not formula_ok and FORMULA.match(text):
        raise ValidationError({field: _("«{label}» نمی‌تواند با = + - @ آغاز شود.").format(label=label)})
    return text
