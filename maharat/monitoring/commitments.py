"""Commitments seen from monitoring: how children's commitments add up, and spreading by last year's share."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maharat.org.models import Unit
from maharat.plans.indicators import INDICATORS, compute
from maharat.plans.models import Commitment, Section
from maharat.plans.services import section_applies, set_commitment, split

from .selectors import _sectors, monitored_children, node_measures


def shares_by_last_year(parent: Unit, children: list[Unit], year: int, indicator: str, section: str) -> dict[int, float]:
    """Each child's share of what the children achieved the year before (equal shares if nothing was)."""
    measures = node_measures([c.pk for c in children], year - 1, sectors=_sectors(section if section != Section.EXEC_RESEARCH else "total"))
    values = {c.pk: compute(INDICATORS[indicator], measures[c.pk]) for c in children}
    total = sum(values.values())
    if total <= 0:
        return {c.pk: 1 / len(children) for c in children} if children else {}
    return {pk: v / total for pk, v in values.items()}


@transaction.atomic
def spread_by_last_year(*, user: Any, parent: Unit, year: int, indicator: str, section: str) -> dict[int, Decimal]:
    """Give each child of `parent` the parent's commitment × the child's share of last year's achievement."""
    parent_commitment = Commitment.objects.filter(year=year, unit=parent, indicator=indicator, section=section).first()
    if parent_commitment is None:
        raise ValidationError(_("این واحد برای این شاخص و بخش تعهدی ندارد که تقسیم شود."))
    children = [c for c in monitored_children(parent) if section_applies(c, section)]
    if not children:
        raise ValidationError(_("این واحد زیرمجموعه‌ای برای تقسیم تعهد ندارد."))
    parts = split(parent_commitment.target, shares_by_last_year(parent, children, year, indicator, section))
    for child in children:
        set_commitment(user=user, unit=child, year=year, indicator=indicator, section=section, target=parts[child.pk])
    return parts


def allocation(parent: Unit, year: int) -> list[dict[str, Any]]:
    """For each indicator and section the parent has a commitment in: the children's total and the gap."""
    children = list(monitored_children(parent))
    own = Commitment.objects.filter(unit=parent, year=year).order_by("section", "indicator")
    rows = []
    for c in own:
        below = Commitment.objects.filter(unit__in=children, year=year, indicator=c.indicator, section=c.section)
        total = sum((x.target for x in below), Decimal(0))
        gap = total - c.target
        rows.append({
            "commitment": c, "children_total": total, "gap": gap, "children_count": below.count(),
            "status": "balanced" if gap == 0 else ("over" if gap > 0 else "under"),
        })
    return rows
