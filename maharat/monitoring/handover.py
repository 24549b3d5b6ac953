"""The hand-over (واگذاری): the private share of training against HQ's 80% target, at every level.

There is one private-share indicator, plans' `private_share` (the free institutes' share of person-hours);
this module extends it, it does not define a second one:

- its companion figure, the free institutes' share of **trainees**: trainees are counted once a year, at the
  unit of the first course run they finish that year (plans/indicators.py), so a trainee is private when that
  run was at a free institute (org.models.sector_of). The trainees of a node's private-sector NodeMonth rows
  are kept apart as the measure `private_trainees` (selectors._add_row), the way `private_person_hours` is:
  additive, so provinces add up to the nation and the share is exact at every level;
- a share of the whole: the private share is a share of public and private training together, so its figures
  are always read over both sectors, whatever section a page asks for (the private section alone would show
  100%, the public one 0%);
- a target that holds below: HQ sets one commitment, 80% (`Commitment(unit=HQ, indicator="private_share",
  section="private")`, through the commitments page like any other), and a share's commitment is not split
  among the units below like a sum: it holds for every province and county that has none of its own
  (`inherited`). A province given its own target (a commitment HQ sets on it) keeps that one.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django.db import connections, router
from django.utils.translation import gettext_lazy as _

from maharat.common.bulk import chunks, in_list
from maharat.org.models import Unit, UnitKind
from maharat.plans.indicators import INDICATORS, Indicator, compute
from maharat.plans.models import TOTAL, Commitment

INDICATOR = "private_share"
HAND_OVER_TARGET = 80  # percent: seed 000, «واگذاری ۸۰ درصد آموزش‌های مهارتی … به آموزشگاه‌های آزاد»

# The companion figure of an indicator, shown beside it in the same row against the same commitment. Built as
# an Indicator so that plans' one `compute` works it out; it is not in plans' catalogue and carries no
# commitment of its own.
COMPANIONS: dict[str, Indicator] = {
    INDICATOR: Indicator("private_trainee_share", cast(str, _("سهم بخش خصوصی از کارآموزان")), "%",
                         "private_trainees", "trainees", percent=True, committable=False),
}
# Indicators that are shares of all training, public and private: always read over both sectors.
WHOLE_SHARES = frozenset({INDICATOR})
# The units a share's commitment holds for when they have none of their own: areas (HQ, provinces, counties).
# A single training unit is wholly public or wholly private (0% or 100%), so a target for the mix is not theirs.
AREA_KINDS = (UnitKind.HQ.value, UnitKind.PROVINCE.value, UnitKind.COUNTY.value)


def companion(indicator: str) -> Indicator | None:
    return COMPANIONS.get(indicator)


def companion_value(indicator: str, measures: dict[str, float]) -> float | None:
    extra = COMPANIONS.get(indicator)
    return None if extra is None else compute(extra, measures)


def section_for(indicator: str, section: str) -> str:
    """The section whose sectors a figure of `indicator` is read over: the total for a share of the whole."""
    return TOTAL if indicator in WHOLE_SHARES else section


def inherited(units: Iterable[Unit], found: dict[int, float], year: int, indicator: str,
              sections: tuple[str, ...]) -> dict[int, float]:
    """For a share (a ratio indicator): each area unit without a commitment of its own takes its nearest
    ancestor's (a county its province's, else HQ's; a province HQ's). One query, only when some area lacks
    one: the ancestors are found by the codes of the units' materialised paths. `found` is the units' own
    commitments (unit id -> target); the answer adds the inherited ones."""
    ind = INDICATORS.get(indicator)
    if ind is None or not ind.is_ratio:
        return {}
    missing = [u for u in units if u.pk not in found and u.kind in AREA_KINDS and u.kind != UnitKind.HQ]
    if not missing:
        return {}
    chains = {u.pk: list(reversed(u.ancestor_codes())) for u in missing}  # nearest ancestor first
    wanted = sorted({code for chain in chains.values() for code in chain})
    targets: dict[str, float] = {}
    with connections[router.db_for_read(Commitment)].cursor() as cursor:
        for part in chunks(wanted):
            condition, params = in_list("u.code", part)
            cursor.execute(
                "SELECT u.code, SUM(c.target) FROM plans_commitment c JOIN org_unit u ON u.id = c.unit_id "
                f"WHERE {condition} AND c.year = %s AND c.indicator = %s "
                f"AND c.section IN ({', '.join(['%s'] * len(sections))}) GROUP BY u.code",
                [*params, year, indicator, *sections])  # type: ignore[list-item]  # as selectors.commitments
            targets.update((code, float(total)) for code, total in cursor.fetchall())
    out: dict[int, float] = {}
    for pk, chain in chains.items():
        held = next((targets[code] for code in chain if code in targets), None)
        if held is not None:
            out[pk] = held
    return out


def hand_down(*, user: Any, parent: Unit, children: list[Unit], year: int, indicator: str,
              section: str) -> dict[int, Decimal]:
    """Give each area below `parent` (its provinces, its counties) the parent's target for a share, through
    plans' write (permission-checked and audited, one child at a time). Training units are left out: each is
    wholly public or wholly private."""
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.utils.translation import gettext as _

    from maharat.plans.services import set_commitment

    own = Commitment.objects.filter(year=year, unit=parent, indicator=indicator, section=section).first()
    if own is None:
        raise ValidationError(_("این واحد برای این شاخص و بخش تعهدی ندارد که ابلاغ شود."))
    areas = [c for c in children if c.kind in AREA_KINDS]
    if not areas:
        raise ValidationError(_("سهم‌ها فقط به استان‌ها و شهرستان‌ها ابلاغ می‌شوند و این واحد زیرمجموعه‌ای از آن‌ها ندارد."))
    with transaction.atomic():
        for child in areas:
            set_commitment(user=user, unit=child, year=year, indicator=indicator, section=section, target=own.target)
    return {c.pk: own.target for c in areas}


def share_row(row: dict[str, Any], children: list[Unit]) -> dict[str, Any]:
    """A share's line on the commitments page: the children's targets do not add up to it, every area below
    holds it (its own or inherited), so the line is balanced; `share` tells the page why."""
    areas = [c for c in children if c.kind in AREA_KINDS]
    target = row["commitment"].target
    return {**row, "children_total": target if areas else row["children_total"], "gap": Decimal(0),
            "children_count": len(areas) or row["children_count"], "status": "balanced", "share": True}


def hq_commitments(years: Iterable[int], target: int = HAND_OVER_TARGET) -> list[Commitment]:
    """HQ's hand-over target for each of `years`, unsaved, for a bulk write (the demo country's commitments):
    the commitment an HQ planner sets on the commitments page (/commitments/IR/: «سهم بخش خصوصی از نفر
    ساعت», section «بخش خصوصی», 80)."""
    hq = Unit.objects.get(kind=UnitKind.HQ)
    return [Commitment(year=year, unit=hq, indicator=INDICATOR, section="private", target=Decimal(target))
            for year in years]
