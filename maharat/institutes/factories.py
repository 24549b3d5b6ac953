"""Licensing for tests: a licensed institute in one call, its licence granted by its province's board as a
decision (so its standing follows the same rules as one the board decides on a page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from maharat.catalog.models import Cluster

from . import rules, services
from .models import Board, BoardLevel, Decision, DecisionKind, Institute, Licence, LicenceType

# Far enough back for any course run a test builds (the factories' runs start in the past few years).
DEFAULT_ISSUE = dt.date(2015, 3, 21)


def license_unit(unit: Any, *, issued_on: dt.date | None = None, expires_on: dt.date | None = None,
                 clusters: Iterable[str] | None = None, grade: int = 2, licence_type: str = LicenceType.JIM) -> Licence:
    """License a free-institute unit (made with make_unit): an Institute record, a licence and its grant."""
    issued = issued_on or DEFAULT_ISSUE
    institute, _created = Institute.objects.get_or_create(unit=unit, defaults={
        "founder_name": "مؤسس آزمایشی", "founder_code": "0013542419", "manager_name": "مدیر آزمایشی",
        "manager_national_code": "0013542419"})
    expiry = expires_on or _covering_today(issued)
    Licence.objects.filter(institute=institute, is_current=True).update(is_current=False)
    licence = Licence.objects.create(institute=institute, number=services.number_for(Licence, "number", "L", unit, issued),
                                     licence_type=licence_type, grade=grade, issued_on=issued, expires_on=expiry,
                                     capacity=60)
    services._set_fields(licence, list(clusters or [unit.cluster or Cluster.SERVICES]))
    board = services.board_for(unit, BoardLevel.PROVINCIAL)
    Decision.objects.create(number=services.number_for(Decision, "number", "D", unit, issued), kind=DecisionKind.GRANT,
                            unit=unit, licence=licence, board=board, reason="پروانه آزمایشی", decided_on=issued,
                            effective_from=issued, new_expiry=expiry, appeal_until=issued + dt.timedelta(days=30))
    return services.recompute(licence)


def _covering_today(issued: dt.date) -> dt.date:
    end = rules.term_end(issued)
    while end < timezone.localdate() + dt.timedelta(days=365):
        end = rules.term_end(end + dt.timedelta(days=1))
    return end


def central_board() -> Board:
    from maharat.access.records import tree

    return services.board_for(tree().root(), BoardLevel.CENTRAL)
