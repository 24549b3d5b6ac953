"""The breakdowns of a node's training (sex, delivery mode, cluster, sector, residence, decile band, target
group), read from the Fact and GroupFact summaries."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet, Sum
from django.utils.translation import pgettext_lazy

from maharat.org.models import Unit, UnitKind
from maharat.org.selectors import subtree_q

from .models import Fact, GroupFact

# Each breakdown of Fact: its column and its heading (in the page's language); the target groups come from
# GroupFact.
BREAKDOWNS = {
    "sex": ("sex", pgettext_lazy("breakdown", "جنسیت")), "mode": ("mode", pgettext_lazy("breakdown", "شیوه اجرا")),
    "cluster": ("cluster", pgettext_lazy("breakdown", "خوشه")), "sector": ("sector", pgettext_lazy("breakdown", "بخش")),
    "residence": ("residence", pgettext_lazy("breakdown", "محل سکونت")),
    "decile_band": ("decile_band", pgettext_lazy("breakdown", "دهک درآمدی")),
}
TARGET_GROUP_TITLE = pgettext_lazy("breakdown", "گروه هدف")


def _under(node: Unit, qs: QuerySet) -> QuerySet:
    """Summary rows of `node`'s subtree, by unit id: the units are found first (subtree_q on org_unit, one
    indexed condition), then each one's slice through the (unit, year, month) index. Filtering the joined
    summary table by `province_id = … OR id = …` scanned a year of a country's breakdown rows instead (0.28 s a
    dimension nationally, docs/performance.md). HQ's subtree is everything: no condition."""
    if node.kind == UnitKind.HQ:
        return qs
    return qs.filter(unit_id__in=Unit.objects.filter(subtree_q(node)).values("pk"))


def breakdown(node: Unit, year: int, dimension: str, *, until_month: int = 12) -> list[dict[str, Any]]:
    """Enrollments, completions and person-hours under a node, split by one dimension."""
    return breakdowns(node, year, until_month=until_month, dimensions=(dimension,))[dimension]


def breakdowns(node: Unit, year: int, *, until_month: int = 12,
               dimensions: tuple[str, ...] = (*BREAKDOWNS, "target_group")) -> dict[str, list[dict[str, Any]]]:
    """Every breakdown of the unit page from one grouped read of Fact (grouped by all its dimensions at once,
    then summed per dimension here) and one of GroupFact: a read per dimension cost seven scans."""
    out: dict[str, list[dict[str, Any]]] = {}
    if "target_group" in dimensions:
        qs = _under(node, GroupFact.objects.filter(year=year, month__lte=until_month))
        rows = qs.values("group__name").annotate(enrollments=Sum("enrollments"), person_hours=Sum("person_hours"))
        out["target_group"] = sorted(({"value": r["group__name"], "enrollments": r["enrollments"], "completed": None,
                                       "person_hours": r["person_hours"]} for r in rows), key=lambda r: -r["enrollments"])
    wanted = [d for d in dimensions if d in BREAKDOWNS]
    if wanted:
        columns = [BREAKDOWNS[d][0] for d in wanted]
        qs = _under(node, Fact.objects.filter(year=year, month__lte=until_month))
        rows = qs.values(*columns).annotate(enrollments=Sum("enrollments"), completed=Sum("completed"),
                                            person_hours=Sum("person_hours")).order_by()
        sums: dict[str, dict[Any, list[int]]] = {d: {} for d in wanted}
        for r in rows:
            for d, column in zip(wanted, columns, strict=True):
                acc = sums[d].setdefault(r[column], [0, 0, 0])
                acc[0] += r["enrollments"] or 0
                acc[1] += r["completed"] or 0
                acc[2] += r["person_hours"] or 0
        for d in wanted:
            out[d] = sorted(({"value": v, "enrollments": e, "completed": c, "person_hours": ph}
                             for v, (e, c, ph) in sums[d].items()), key=lambda r: -r["enrollments"])
    return out
