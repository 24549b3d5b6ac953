"""What check-summaries compares and what it reports: the five summary tables (keys, values, the column
--unit filters on) and the differences found, shown with unit and group codes (monitoring/verify.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from maharat.org.models import Unit
from maharat.plans.indicators import MEASURES


@dataclass(frozen=True)
class Table:
    name: str  # as reported
    db_table: str
    keys: tuple[str, ...]
    values: tuple[str, ...]
    unit_column: str  # what --unit filters on
    summed: bool = False  # no unique key: live rows sharing a key are read as their sum (as readers do)


TABLES: tuple[Table, ...] = (
    Table("unit_month", "monitoring_unitmonth", ("unit_id", "year", "month", "sector"), MEASURES, "unit_id"),
    Table("node_month", "monitoring_nodemonth", ("node_id", "year", "month", "sector"), MEASURES, "node_id"),
    Table("fact", "monitoring_fact",
          ("unit_id", "year", "month", "sector", "sex", "mode", "cluster", "residence", "decile_band"),
          ("enrollments", "completed", "person_hours"), "unit_id", summed=True),
    Table("group_fact", "monitoring_groupfact", ("unit_id", "year", "month", "group_id"),
          ("enrollments", "person_hours"), "unit_id", summed=True),
    Table("trainee_year", "monitoring_traineeyear", ("trainee_id", "year"), ("unit_id", "month", "sector"), "unit_id"),
)
BY_NAME = {t.name: t for t in TABLES}
TEXT_COLUMNS = {"sector", "sex", "mode", "cluster", "residence", "decile_band"}
_SMALL = {"year", "month"}


def column_type(column: str) -> str:
    if column in TEXT_COLUMNS:
        return "varchar(20)"
    return "integer" if column in _SMALL else "bigint"


@dataclass
class Difference:
    table: str
    key: dict[str, Any]
    live: dict[str, Any] | None  # None: no live row (or only zeros)
    expected: dict[str, Any] | None  # None: the raw records give no row

    @property
    def columns(self) -> list[str]:
        """The value columns that differ."""
        values = BY_NAME[self.table].values
        live, expected = self.live or {}, self.expected or {}
        return [c for c in values if live.get(c, 0) != expected.get(c, 0)]


@dataclass
class Report:
    year: int | None = None
    unit: Unit | None = None
    differences: list[Difference] = field(default_factory=list)  # the first `limit` per table
    counts: dict[str, int] = field(default_factory=dict)  # differing keys per table (all of them)
    checked: dict[str, int] = field(default_factory=dict)  # recomputed rows per table
    seconds: float = 0.0
    repaired: int = 0  # rows rewritten (keys), when repairing
    stale: int = 0  # slices marked for the background refresh (StaleSlice): differences there are expected

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def ok(self) -> bool:
        return self.total == 0

    def display_rows(self) -> list[list[str]]:
        """(table, key, live, recomputed) as text: unit and group codes instead of ids, and of the values
        only those that differ (all non-zero ones where a side has no row)."""
        from maharat.people.models import TargetGroup

        unit_ids: set[int] = set()
        for d in self.differences:
            unit_ids |= {d.key[c] for c in ("unit_id", "node_id") if c in d.key}
            if d.table == "trainee_year":
                unit_ids |= {side["unit_id"] for side in (d.live, d.expected) if side}
        codes = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "code"))
        groups = dict(TargetGroup.objects.filter(
            pk__in={d.key["group_id"] for d in self.differences if "group_id" in d.key}).values_list("pk", "code"))
        return [[d.table, _key_text(d, codes, groups), _side_text(d, d.live, codes), _side_text(d, d.expected, codes)]
                for d in self.differences]


def _key_text(d: Difference, codes: dict[int, str], groups: dict[int, str]) -> str:
    key = dict(d.key)
    parts = [codes.get(key[c], f"#{key[c]}") for c in ("unit_id", "node_id") if c in key]
    if "trainee_id" in key:
        parts.append(f"trainee #{key['trainee_id']}")
    parts.append(f"{key['year']}/{key['month']:02d}" if "month" in key else str(key["year"]))
    if "group_id" in key:
        parts.append(groups.get(key["group_id"], f"#{key['group_id']}"))
    parts += [str(key[c]) for c in BY_NAME[d.table].keys if c in TEXT_COLUMNS]
    return " ".join(parts)


def _side_text(d: Difference, side: dict[str, Any] | None, codes: dict[int, str]) -> str:
    if side is None:
        return "—"
    if d.table == "trainee_year":
        return f"{codes.get(side['unit_id'], side['unit_id'])} {side['month']:02d} {side['sector']}"
    columns = d.columns if d.live and d.expected else [c for c in BY_NAME[d.table].values if side.get(c)]
    return ", ".join(f"{c}={side.get(c, 0):,}" for c in columns)
