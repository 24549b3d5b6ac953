"""Supervision's rules, each in one place: the kinds of record, the limits of what is typed, the text the
public form refuses, and the ladder of graduated sanctions a proposal climbs.

Shared by models, services, forms and the public form, so that a page, a service call from the demo and a
test are refused with the same Persian message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from maharat.common import jalali
from maharat.common.text import clean_text

# Kinds of record (access/records.py): one row of the permission matrix each.
VISIT_KIND = "visit"  # visits, their answers and findings
CHECKLIST_KIND = "checklist"  # the checklist, the risk formula's weights and the visit plan they give
SANCTION_KIND = "sanctionproposal"  # proposals of a sanction to the board
COMPLAINT_KIND = "complaint"

TITLE_MAX = 200
ITEM_TEXT_MAX = 300
ARTICLE_MAX = 100
NOTE_MAX = 4000
ACTION_MAX = 2000
NAME_MAX = 120
COMPLAINT_MAX = 3000
WEIGHT_MAX = 10
FREE_FINDINGS = 2  # blank rows for findings outside the checklist on the results form
WORKING_DAYS_MAX = 120  # a corrective action's deadline: longer is a plan, not a correction
# How far back a visit's date may be recorded: the follow-up items count their deadline from it, and they
# accept a start at most 60 days back (followup.services.START_BACK).
VISIT_BACKDATE = dt.timedelta(days=60)
PLAN_AHEAD = dt.timedelta(days=366)

# The ladder a proposal climbs (Art. 76: graded, stepping up when an offence repeats). «کاهش مدت اعتبار» is not a
# step of its own: taken by a board, it counts as the step of conditions.
LADDER = ("warning", "conditions", "enrollment_ban", "suspend", "revoke")
STEP_OF = {"warning": 0, "conditions": 1, "shorten": 1, "enrollment_ban": 2, "suspend": 3, "revoke": 4}
# Days a periodic sanction proposed by supervision lasts, unless the board decides otherwise on the licence page.
PROPOSED_DAYS = {"conditions": 90, "enrollment_ban": 60, "suspend": 30}
SANCTION_LOOKBACK = dt.timedelta(days=365)


def next_sanction(taken: Iterable[str]) -> str:
    """The next step of the ladder after the gravest sanction taken (in the last twelve months): none taken, a
    warning; a warning, conditions; ... a suspension, revocation."""
    steps = [STEP_OF[k] for k in taken if k in STEP_OF]
    if not steps:
        return LADDER[0]
    return LADDER[min(max(steps) + 1, len(LADDER) - 1)]


FORMULA_HEADS = "=+-@"


def clean_public(value: object, *, field: str, label: str, limit: int, required: bool = False,
                 multiline: bool = False) -> str:
    """Text typed by the public (or on any form of this app): the platform's rule (no control characters, a
    length limit) and no text that a spreadsheet would run as a formula when the list is exported."""
    text = clean_text(value, field=field, label=label, limit=limit, required=required, multiline=multiline)
    if text and text[0] in FORMULA_HEADS:
        raise ValidationError({field: _("«{label}» نمی‌تواند با یکی از نشانه‌های = + - @ آغاز شود.").format(
            label=label)})
    return text


def check_day(day: object, *, field: str, label: str) -> dt.date:
    """A date the platform's calendar covers (a year 0 or 9999 typed by mistake is refused, naming the field)."""
    if not isinstance(day, dt.date) or not jalali.supported_date(day):
        raise ValidationError({field: _("«{label}»: {message}").format(label=label,
                                                                       message=_(jalali.YEAR_RANGE_MESSAGE))})
    return day


def collect(errors: dict[str, list[str]], exc: ValidationError) -> None:
    """Gather a ValidationError's messages by field, so that every field at fault is named at once."""
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    else:
        errors.setdefault("__all__", []).extend(exc.messages)
