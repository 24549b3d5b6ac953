"""Commitments seen from monitoring: the figures a commitment is spread by, and the units it is spread to.

The spreading itself (one formula) and the allocation table are plans' (plans/spread.py); they take the
children and last year's achievement as inputs, which come from here: the scorecard's rows and the summary
tables belong to monitoring, a layer above plans.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from maharat.org.models import Unit
from maharat.plans import spread
from maharat.plans.indicators import INDICATORS, compute
from maharat.plans.models import section_applies, sectors_of

from . import handover
from .selectors import monitored_children, node_measures


def children_for(parent: Unit, section: str | None = None) -> list[Unit]:
    """The units `parent` hands its commitments to (its scorecard's rows), those of one section if given."""
    children = monitored_children(parent)
    return children if section is None else [c for c in children if section_applies(c, section)]


def last_year(children: list[Unit], year: int, indicator: str, section: str) -> dict[int, float]:
    """What each child achieved the year before `year` in this indicator and section: the input of
    plans.spread. Executive and research indicators are reported, not computed from training records: they
    have no figures here, so they spread in equal shares."""
    if indicator not in INDICATORS:
        return {c.pk: 0.0 for c in children}
    measures = node_measures([c.pk for c in children], year - 1, sectors=sectors_of(section))
    return {c.pk: compute(INDICATORS[indicator], measures[c.pk]) for c in children}


def spread_by_last_year(*, user: Any, parent: Unit, year: int, indicator: str, section: str) -> dict[int, Decimal]:
    """Give each child of `parent` the parent's commitment × the child's share of last year's achievement.
    A share (the private share's 80%) is not split: each area below is given the same target (handover.py)."""
    if indicator in INDICATORS and INDICATORS[indicator].is_ratio:
        return handover.hand_down(user=user, parent=parent, children=children_for(parent, section), year=year,
                                  indicator=indicator, section=section)
    children = children_for(parent, section)
    return spread.spread_commitment(user=user, parent=parent, children=children, year=year, indicator=indicator,
                                    section=section, last_year=last_year(children, year, indicator, section))


def allocation(parent: Unit, year: int) -> list[dict[str, Any]]:
    """For each indicator and section the parent has a commitment in: the children's total and the gap.

    Also each indicator and section the children hold commitments in while the parent holds none of its own:
    HQ is handed nothing (its commitment is what it handed to the provinces, the scorecard's rule in
    selectors.scorecard), so its page listed nothing for a year whose scorecard totals millions (issue 15).
    Such a row is marked `handed`: its target is the children's total, shown as theirs."""
    from django.db.models import Count, Sum

    from maharat.plans.models import Commitment

    children = children_for(parent)
    rows = [handover.share_row(r, children) if _is_share(r["commitment"].indicator) else r
            for r in spread.allocation(parent, children, year)]
    own = {(r["commitment"].indicator, r["commitment"].section) for r in rows}
    below = (Commitment.objects.filter(unit__in=[c.pk for c in children], year=year, target__isnull=False)
             .values("indicator", "section").annotate(total=Sum("target"), n=Count("id")).order_by("section", "indicator"))
    for b in below:
        if (b["indicator"], b["section"]) in own or _is_share(b["indicator"]):
            continue  # the children's shares do not add up to the parent's: each is the target of its own area
        handed = Commitment(unit=parent, year=year, indicator=b["indicator"], section=b["section"], target=b["total"])
        rows.append({"commitment": handed, "children_total": b["total"], "gap": Decimal(0), "children_count": b["n"],
                     "status": "balanced", "handed": True})
    return rows


def _is_share(indicator: str) -> bool:
    return indicator in INDICATORS and INDICATORS[indicator].is_ratio
