"""The licensing rules, each in one place: the term, how a licence's standing follows from its decisions, the
appeal deadline, and what a licence allows a course run.

A licence's dates and status are a function of its decisions in force (`licence_state`), so a decision varied
on appeal changes them by replaying the versions that stand, never by editing a date by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from maharat.common import jalali
from maharat.common.persian import localize_digits

from .models import DecisionKind, LicenceStatus

TERM_YEARS = 5  # a founding licence is valid for five years (bylaw), renewed for five more
NOTE_MAX = 4000
NAME_MAX = 200
ADDRESS_MAX = 300


def shown_date(day: dt.date | None) -> str:
    """A date inside a message, in the page's digits (Persian on Persian pages, Latin on English ones); "…" for a
    period with no end."""
    return "…" if day is None else localize_digits(jalali.format_date(day, persian_digits=False))


def appeal_working_days() -> int:
    """How long an institute has to object to a decision, in working days from the letter (configurable)."""
    return int(getattr(settings, "MAHARAT_APPEAL_WORKING_DAYS", 20))


def term_end(start: dt.date, years: int = TERM_YEARS) -> dt.date:
    """The last day of a term of `years` Jalali years from `start` (1405/03/10 → 1410/03/09)."""
    j = jalali.from_gregorian(start)
    year = j.year + years
    day = min(j.day, jalali.month_length(year, j.month))
    return jalali.to_gregorian(year, j.month, day) - dt.timedelta(days=1)


@dataclass(frozen=True)
class State:
    issued_on: dt.date
    expires_on: dt.date
    ended_on: dt.date | None
    ended_by: str  # the kind of the decision that ended it (revoke, close), else ""


def licence_state(decisions: Iterable[Any]) -> State:
    """The licence's term from its decisions in force, in the order they were taken: a grant starts it, a
    renewal or a shortening sets its expiry, a revocation or closure ends it. Sanctions with a period of
    effect (suspension, enrollment ban, conditions) do not change the term; `status_on` reads them."""
    issued = expires = ended = None
    ended_by = ""
    for d in sorted(decisions, key=lambda d: (d.decided_on, d.pk or 0)):
        if d.kind == DecisionKind.GRANT:
            issued, expires = d.effective_from, d.new_expiry
        elif d.kind in (DecisionKind.RENEW, DecisionKind.SHORTEN) and d.new_expiry:
            expires = d.new_expiry
        elif d.kind in (DecisionKind.REVOKE, DecisionKind.CLOSE):
            ended, ended_by = d.effective_from, d.kind
    if issued is None or expires is None:
        raise ValueError("a licence needs a grant decision in force")
    return State(issued, expires, ended, ended_by)


def covers(decision: Any, start: dt.date, end: dt.date) -> bool:
    """Whether a decision with a period of effect is in effect on any day of [start, end]."""
    until = decision.effective_until or dt.date.max
    return decision.effective_from <= end and start <= until


def status_on(state: State, suspensions: Iterable[Any], day: dt.date) -> str:
    if state.ended_on is not None and day >= state.ended_on:
        return LicenceStatus.REVOKED if state.ended_by == DecisionKind.REVOKE else LicenceStatus.CLOSED
    if day > state.expires_on or day < state.issued_on:
        return LicenceStatus.EXPIRED
    if any(covers(s, day, day) for s in suspensions):
        return LicenceStatus.SUSPENDED
    return LicenceStatus.ACTIVE


def uncovered(state: State, suspensions: Iterable[Any], start: dt.date, end: dt.date) -> str:
    """Why [start, end] is not licensed (a Persian sentence), or "" when every day of it is."""
    fmt = shown_date
    if start < state.issued_on:
        return _("پروانه آموزشگاه از {day} صادر شده و دوره پیش از آن آغاز می‌شود.").format(day=fmt(state.issued_on))
    if state.ended_on is not None and end >= state.ended_on:
        return _("پروانه آموزشگاه از {day} {how} است.").format(
            day=fmt(state.ended_on), how=pgettext("licence ended", "لغو شده") if state.ended_by == DecisionKind.REVOKE
        else pgettext("licence ended", "تعطیل شده"))
    if end > state.expires_on:
        return _("اعتبار پروانه آموزشگاه در {day} پایان می‌یابد، پیش از پایان دوره؛ ابتدا پروانه تمدید شود.").format(
            day=fmt(state.expires_on))
    for s in suspensions:
        if covers(s, start, end):
            return _("پروانه آموزشگاه از {start} تا {end} تعلیق است (تصمیم {number}).").format(
                start=fmt(s.effective_from), end=fmt(s.effective_until) if s.effective_until else "…",
                number=s.number)
    return ""
