"""What a follow-up item may hold: its limits, the text it refuses, and which units can owe one. Shared by the
model's validation, the forms and the services, so a page, a service call from another domain and a test
are refused with the same Persian message."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from maharat.access.records import allowed
from maharat.access.roles import ROLE_UNIT_KINDS
from maharat.common.persian import localize_digits

KIND = "followup"
TITLE_MAX = 200
DESCRIPTION_MAX = 4000
NOTE_MAX = 2000
SOURCE_LABEL_MAX = 300
# About a working year: a longer deadline is a plan, not a follow-up (and a typo of 10**9 must not reach the
# calendar, which counts only the years the platform works in).
WORKING_DAYS_MAX = 250

# C0 and C1 controls and the bidi embeddings, overrides and isolates: invisible, they reorder or hide what is
# shown around them on every page, list and message that prints the text. Line breaks and tabs are text in a
# description or a note.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def answering_kinds() -> frozenset[str]:
    """The kinds of unit where some role may answer a follow-up: only such a unit can owe one (nobody at a
    county, a partner or HQ could ever submit it)."""
    return frozenset(kind for role, kinds in ROLE_UNIT_KINDS.items() if allowed(role, KIND, "respond")
                     for kind in kinds)


def clean_text(value: object, *, field: str, label: str, limit: int, required: bool = False,
               multiline: bool = False) -> str:
    """The text stripped, or a ValidationError naming the field: control characters, too long, or missing."""
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
    return text
