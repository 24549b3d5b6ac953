"""Spreading a commitment over the units below, and how the children's commitments add up to it.

The one formula: each child gets the parent's target times its share of what the children achieved last
year, in whole numbers that add up exactly to the target. What they achieved is an input (a dict child pk ->
value): the figures live in monitoring's summary tables, a layer above plans, so the caller that gathers
them (monitoring/commitments.py, the demo builder) passes them in.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maharat.org.models import Unit

from .models import Commitment
from .services import set_commitment


def shares(last_year: Mapping[int, float]) -> dict[int, float]:
    """Each child's share of the children's total last year; equal shares when they achieved nothing."""
    total = sum(last_year.values())
    if total <= 0:
        return {pk: 1 / len(last_year) for pk in last_year}
    return {pk: value / total for pk, value in last_year.items()}


def split(total: Decimal, weights: Mapping[int, float]) -> dict[int, Decimal]:
    """Whole-number parts in proportion to weights (shares adding up to 1) that add up exactly to the total
    (largest remainders)."""
    whole = int(total.to_integral_value(rounding=ROUND_HALF_UP))
    raw = {pk: whole * share for pk, share in weights.items()}
    parts = {pk: int(v) for pk, v in raw.items()}
    left = whole - sum(parts.values())
    for pk in sorted(raw, key=lambda k: raw[k] - parts[k], reverse=True)[:left]:
        parts[pk] += 1
    return {pk: Decimal(v) for pk, v in parts.items()}


def spread(target: Decimal, last_year: Mapping[int, float]) -> dict[int, Decimal]:
    """The parent's target over the children by their share of last year's achievement (child pk -> value)."""
    return split(target, shares(last_year))


@transaction.atomic
def spread_commitment(*, user: Any, parent: Unit, children: list[Unit], year: int, indicator: str, section: str,
                      last_year: Mapping[int, float]) -> dict[int, Decimal]:
    """Set each child's commitment to its part of the parent's (spread), through set_commitment: checked by
    the permission layer and audited, one child at a time. `children` are those the section applies to."""
    parent_commitment = Commitment.objects.filter(year=year, unit=parent, indicator=indicator, section=section).first()
    if parent_commitment is None:
        raise ValidationError(_("این واحد برای این شاخص و بخش تعهدی ندارد که تقسیم شود."))
    if not children:
        raise ValidationError(_("این واحد زیرمجموعه‌ای برای تقسیم تعهد ندارد."))
    parts = spread(parent_commitment.target, {c.pk: last_year.get(c.pk, 0) for c in children})
    for child in children:
        set_commitment(user=user, unit=child, year=year, indicator=indicator, section=section, target=parts[child.pk])
    return parts


def allocation(parent: Unit, children: list[Unit], year: int) -> list[dict[str, Any]]:
    """For each indicator and section the parent has a commitment in: the children's total and the gap.
    `children` are the units the parent hands its commitments to (monitoring's scorecard rows)."""
    own = Commitment.objects.filter(unit=parent, year=year).order_by("section", "indicator")
    rows = []
    for c in own:
        below = list(Commitment.objects.filter(unit__in=children, year=year, indicator=c.indicator, section=c.section))
        total = sum((x.target for x in below), Decimal(0))
        gap = total - c.target
        rows.append({
            "commitment": c, "children_total": total, "gap": gap, "children_count": len(below),
            "status": "balanced" if gap == 0 else ("over" if gap > 0 else "under"),
        })
    return rows
