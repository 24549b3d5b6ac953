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
    """Give each child of `parent` the parent's commitment × the child's share of last year's achievement."""
    children = children_for(parent, section)
    return spread.spread_commitment(user=user, parent=parent, children=children, year=year, indicator=indicator,
                                    section=section, last_year=last_year(children, year, indicator, section))


def allocation(parent: Unit, year: int) -> list[dict[str, Any]]:
    """For each indicator and section the parent has a commitment in: the children's total and the gap."""
    return spread.allocation(parent, children_for(parent), year)
