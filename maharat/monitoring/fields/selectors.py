"""Fields against demand (رشته‌ها در برابر تقاضا): per cluster, the free institutes' supply beside the public
centers' figures and the demand the platform knows, the index of imbalance, and the areas ranked by it.

Reads: scope.py (four grouped reads of the node's figures, areas included) and demand.py (the three declared
inputs); the formula: imbalance.py. Nothing here reads enrollments.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from maharat.catalog.models import Cluster
from maharat.org.models import Sector, Unit

from ..selectors import Progress
from . import demand as demand_inputs
from .imbalance import Balance, balance
from .scope import Figures, Scope

CLUSTERS: tuple[str, ...] = tuple(Cluster.values)
DEMAND = demand_inputs.INPUTS
PRIVATE, PUBLIC = Sector.PRIVATE.value, Sector.PUBLIC.value
# An area's mix of fields is ranked only with at least this many free institutes (the others are listed after
# the ranked ones, unranked). Chance alone moves a cluster's share of n institutes by about 100·√(p(1−p)/n)
# points: for a cluster of a fifth of them, 6 points at n = 50 and 13 at n = 10, more than the advice's
# threshold (imbalance.THRESHOLD), so a small area's rank would say more about luck than about policy.
MIN_INSTITUTES = 50
FIGURES = ("workshops", "seats", "enrollments", "person_hours", "runs", "offered")  # per sector, from scope.py


@dataclass
class ClusterRow:
    cluster: str
    institutes: int = 0
    private: dict[str, int] = field(default_factory=dict)  # FIGURES of the free institutes
    public: dict[str, int] = field(default_factory=dict)  # FIGURES of every other unit
    demand: dict[str, float] = field(default_factory=dict)  # each input's figure
    supply_share: float = 0.0  # S(c)
    demand_share: float | None = None  # D(c)
    supply_parts: dict[str, float | None] = field(default_factory=dict)
    demand_parts: dict[str, float | None] = field(default_factory=dict)
    index: float | None = None  # I(c)
    advice: str = ""
    rank: int = 0

    @property
    def label(self) -> str:
        return str(Cluster(self.cluster).label)

    def fill(self, sector: str | None = None) -> float | None:
        """Enrollments ÷ seats offered by the course runs (percent), of one sector or both."""
        parts = [self.private, self.public] if sector is None else [self.private if sector == PRIVATE else self.public]
        offered = sum(p.get("offered", 0) for p in parts)
        return 100 * sum(p.get("enrollments", 0) for p in parts) / offered if offered else None

    @property
    def enrollments(self) -> int:
        return self.private.get("enrollments", 0) + self.public.get("enrollments", 0)

    @property
    def offered(self) -> int:
        return self.private.get("offered", 0) + self.public.get("offered", 0)


@dataclass
class AreaRow:
    """One province (under HQ) or county (under a province), with its balance."""

    unit: Unit
    institutes: int
    balance: Balance
    rank: int | None = None  # None: too few institutes to judge their mix (MIN_INSTITUTES)

    @property
    def judged(self) -> bool:
        return self.institutes >= MIN_INSTITUTES and self.dissimilarity is not None

    @property
    def dissimilarity(self) -> float | None:
        return self.balance.dissimilarity

    def most(self, pick: Callable[[list[tuple[str, float]]], tuple[str, float]], sign: int) -> str | None:
        """The cluster furthest from balance in one direction (sign +1: oversupplied, −1: undersupplied)."""
        found = [(c, self.balance.index(c)) for c in CLUSTERS]
        candidates = [(c, i) for c, i in found if i is not None and i * sign > 0]
        return pick(candidates)[0] if candidates else None

    @property
    def over(self) -> str | None:
        return self.most(lambda xs: max(xs, key=lambda x: x[1]), 1)

    @property
    def under(self) -> str | None:
        return self.most(lambda xs: min(xs, key=lambda x: x[1]), -1)

    @property
    def over_label(self) -> str:
        return str(Cluster(self.over).label) if self.over else ""

    @property
    def under_label(self) -> str:
        return str(Cluster(self.under).label) if self.under else ""

    @property
    def over_index(self) -> float | None:
        return self.balance.index(self.over) if self.over else None

    @property
    def under_index(self) -> float | None:
        return self.balance.index(self.under) if self.under else None


@dataclass
class Fields:
    node: Unit
    year: int
    progress: Progress
    rows: list[ClusterRow]  # in the catalogue's order
    balance: Balance
    areas: list[AreaRow]  # most imbalanced first
    provided: dict[str, bool]

    @property
    def ranked(self) -> list[ClusterRow]:
        return sorted(self.rows, key=lambda r: r.rank)

    @property
    def institutes(self) -> int:
        return sum(r.institutes for r in self.rows)


def _collect(figures: Figures, area: int | None, everything: bool) -> dict[tuple[str, str], dict[str, int]]:
    """(cluster, sector) -> figures, of one area, or of the whole node when `everything`."""
    out: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (key_area, cluster, sector), values in figures.items():
        if everything or key_area == area:
            for name, value in values.items():
                out[(cluster, sector)][name] += value
    return out


def _cluster_rows(scope: Scope, answers: dict[str, demand_inputs.Answer], area: int | None,
                  everything: bool) -> tuple[list[ClusterRow], Balance]:
    rows = {c: ClusterRow(c, private=defaultdict(int), public=defaultdict(int)) for c in CLUSTERS}
    for figures in (scope.workshops, scope.facts, scope.runs):
        for (cluster, sector), values in _collect(figures, area, everything).items():
            if cluster in rows:
                target = rows[cluster].private if sector == PRIVATE else rows[cluster].public
                for name, value in values.items():
                    target[name] += value
    for (cluster, _sector), values in _collect(scope.institutes, area, everything).items():
        if cluster in rows:
            rows[cluster].institutes += values["institutes"]
    for name, answer in answers.items():
        for (key_area, cluster), number in answer.items():
            if cluster in rows and (everything or key_area == area):
                rows[cluster].demand[name] = rows[cluster].demand.get(name, 0.0) + number
    for row in rows.values():  # every figure present (0 when none), as plain dicts for the page and exports
        row.private = {k: row.private.get(k, 0) for k in FIGURES}
        row.public = {k: row.public.get(k, 0) for k in FIGURES}
    supply = {
        "institutes": {c: r.institutes for c, r in rows.items()},
        "seats": {c: r.private.get("seats", 0) for c, r in rows.items()},
        "person_hours": {c: r.private.get("person_hours", 0) for c, r in rows.items()},
    }
    wanted = {name: {c: r.demand.get(name, 0.0) for c, r in rows.items()} for name in DEMAND}
    result = balance(supply, wanted, CLUSTERS)
    for rank, cluster in enumerate(result.ranked(), start=1):
        row = rows[cluster]
        row.rank = rank
        row.supply_share, row.demand_share = result.supply[cluster], (result.demand or {}).get(cluster)
        row.supply_parts = {k: (v[cluster] if v else None) for k, v in result.supply_parts.items()}
        row.demand_parts = {k: (v[cluster] if v else None) for k, v in result.demand_parts.items()}
        row.index, row.advice = result.index(cluster), result.advice(cluster)
    return list(rows.values()), result


def fields(node: Unit, year: int) -> Fields:
    """The fields page of a node (HQ, a province or a county) for a year: its clusters and its areas."""
    progress = Progress.of(year)
    scope = Scope(node, year, progress.until_month)
    answers = demand_inputs.read(scope)
    rows, total = _cluster_rows(scope, answers, None, everything=True)
    areas = []
    for area in scope.areas:
        area_rows, area_balance = _cluster_rows(scope, answers, area.pk, everything=False)
        areas.append(AreaRow(area, sum(r.institutes for r in area_rows), area_balance))
    areas.sort(key=lambda a: (not a.judged, -(a.dissimilarity or 0), a.unit.code))
    for rank, area_row in enumerate((a for a in areas if a.judged), start=1):
        area_row.rank = rank
    return Fields(node, year, progress, rows, total, areas, demand_inputs.provided())
