"""What a purchase contract may hold: its limits, the default tranche shares, the text it refuses. Shared by
the models' validation, the forms and the services, so a page and a call from another app are refused with
the same Persian message."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from maharat.common.persian import localize_digits

CONTRACT_KIND = "purchase"
EVIDENCE_KIND = "employmentevidence"

# The shares of the price paid at each outcome, in percent (DOMAIN.md; India's scheme pays its last 20% on
# verified placement). A contract may set its own; they must sum to 100.
DEFAULT_SHARES = {"enrollment": 30, "completion": 30, "certification": 20, "employment": 20}

# Employment is judged this long after the course run ends: "employed three months after completion".
EMPLOYMENT_WAIT = dt.timedelta(days=90)

# Bounds: a contract larger than this is a typing mistake, and the products below stay far inside 64 bits
# (price × share × (100 + premiums) ≤ 10^10 × 100 × 500).
MAX_TRAINEES = 100_000
MAX_PRICE = 10_000_000_000  # Rials per trainee
MAX_PREMIUM = 100  # percent, per category
NOTE_MAX = 2000
TITLE_MAX = 200
EMPLOYER_MAX = 200
REFERENCE_MAX = 100
# A contract runs at most this long: a longer one is a plan, not a purchase (and a typo of year 1500).
MAX_CONTRACT_DAYS = 3 * 366

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# A cell that starts like this is run as a formula by a spreadsheet that opens an export of it.
FORMULA = re.compile(r"^[=+\-@\t\r]")


def clean_text(value: object, *, field: str, label: str, limit: int, required: bool = False,
               multiline: bool = False, formula_ok: bool = True) -> str:
    """The text stripped, or a ValidationError naming the field: control characters, too long, missing, or
    (where the text is a name that lands in exports: an employer, a payment reference) a formula."""
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


def masked(code: str) -> str:
    """A national code with only its last four digits shown: for documents that leave the platform."""
    code = code or ""
    return "*" * max(len(code) - 4, 0) + code[-4:]
