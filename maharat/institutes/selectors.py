"""Reads: an institute's standing on a day, the licence a course run needs, the public register.

Other apps ask here (purchase contracts and loans: `licensed_on`, `in_good_standing`; supervision: `licence_of`);
they never read the decisions themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from maharat.common.persian import search_key

from . import rules
from .models import Decision, DecisionKind, Licence, LicenceStatus

ENDED = (LicenceStatus.REVOKED, LicenceStatus.CLOSED)


def licences_of(unit_id: int) -> list[Licence]:
    return list(Licence.objects.filter(institute_id=unit_id).order_by("-issued_on", "-pk"))


def licence_of(unit_id: int) -> Licence | None:
    """The institute's current licence: the latest issued (an institute closed and licensed again has two)."""
    return Licence.objects.filter(institute_id=unit_id, is_current=True).first()


def in_force(licence: Licence, kinds: Iterable[str] | None = None) -> list[Decision]:
    qs = Decision.objects.filter(licence=licence, in_force=True)
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    return list(qs.order_by("decided_on", "pk"))


def state_of(licence: Licence) -> rules.State:
    return rules.State(licence.issued_on, licence.expires_on, licence.ended_on,
                       DecisionKind.REVOKE if licence.status == LicenceStatus.REVOKED else
                       DecisionKind.CLOSE if licence.status == LicenceStatus.CLOSED else "")


def licence_covering(unit_id: int, start: dt.date, end: dt.date | None = None) -> Licence | None:
    """The licence issued on or before `start`: the institute's for that period (the latest such)."""
    return (Licence.objects.filter(institute_id=unit_id, issued_on__lte=start).order_by("-issued_on", "-pk")
            .first())


def why_not_licensed(unit_id: int, start: dt.date, end: dt.date) -> str:
    """Why the institute is not licensed on every day of [start, end] (Persian), or "" when it is."""
    from django.utils.translation import gettext as _

    licence = licence_covering(unit_id, start, end)
    if licence is None:
        first = Licence.objects.filter(institute_id=unit_id).order_by("issued_on").first()
        if first is None:
            return _("این آموزشگاه پروانه تأسیس ندارد.")
        return rules.uncovered(state_of(first), [], start, end)
    suspensions = in_force(licence, [DecisionKind.SUSPEND])
    return rules.uncovered(state_of(licence), suspensions, start, end)


def licensed_on(unit_id: int, day: dt.date) -> bool:
    return why_not_licensed(unit_id, day, day) == ""


def bans_on(licence: Licence, day: dt.date) -> list[Decision]:
    return [d for d in in_force(licence, [DecisionKind.ENROLLMENT_BAN]) if rules.covers(d, day, day)]


def in_good_standing(unit_id: int, day: dt.date | None = None) -> bool:
    """Licensed that day, not suspended, not barred from new enrollments, and no sanction graver than a
    warning taken in the last year (loans and purchase contracts ask this)."""
    day = day or timezone.localdate()
    licence = licence_covering(unit_id, day, day)
    if licence is None or not licensed_on(unit_id, day) or bans_on(licence, day):
        return False
    grave = [k for k in rules_sanctions() if k != DecisionKind.WARNING]
    recent = day - dt.timedelta(days=365)
    return not Decision.objects.filter(licence=licence, in_force=True, kind__in=grave,
                                       decided_on__gte=recent, decided_on__lte=day).exists()


def rules_sanctions() -> tuple[str, ...]:
    from .models import SANCTIONS

    return tuple(str(k) for k in SANCTIONS)


def allows_standard(licence: Licence, standard: Any) -> bool:
    """A licence allows a standard of one of its fields, or one it lists by name."""
    if standard.cluster in licence.clusters:
        return True
    return licence.standards.filter(pk=standard.pk).exists()


# ----------------------------------------------------------------------------------------- the register
def register(*, q: str = "", province: str = "", county: str = "", cluster: str = "", status: str = "") -> QuerySet:
    """Licences as the public sees them: one row per institute (its current licence), no personal data."""
    qs = (Licence.objects.filter(is_current=True)
          .select_related("institute__unit__county", "institute__unit__province")
          .prefetch_related("fields"))
    text = (q or "").strip()
    if text:
        qs = qs.filter(Q(institute__unit__name__icontains=text) | Q(institute__unit__name__icontains=search_key(text))
                       | Q(number__iexact=text))
    if province:
        qs = qs.filter(institute__unit__province__code=province)
    if county:
        qs = qs.filter(institute__unit__county__code=county)
    if cluster:
        qs = qs.filter(fields__cluster=cluster)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("institute__unit__path")
