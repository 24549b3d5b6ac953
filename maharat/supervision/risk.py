"""The risk score of an institute and the visit plan it gives (docs/supervision.md explains both to people).

    risk = findings + complaints + outcomes + time

    findings   = Σ over findings of visits held in the window: the weight of its severity (minor, major, critical)
    complaints = weight_complaint × complaints received in the window, except those found unfounded
    outcomes   = weight_outcome × (1 − mean of the outcome rates the declared input gives); 0 without any rate
    time       = weight_month × whole Jalali months since the last visit held (at most time_cap_months;
                 an institute never visited counts the cap)

The window is the last `window_months` Jalali months up to the day asked. Each part is rounded to two
decimals, and the total is their sum, so what a page shows adds up.

The next visit is due `interval` months after the last visit held (after the licence's issue, for one never
visited), where the interval is that of the licence's grade, multiplied by `high_risk_factor` (rounded down,
at least one month) when the risk reaches `high_risk`. The plan lists a province's institutes in good standing
to be visited (licences active or suspended) by descending risk, then by due date, then by code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, QuerySet

from maharat.common import jalali
from maharat.institutes.models import Licence, LicenceStatus
from maharat.kit.inputs import read

from .models import HELD, Complaint, ComplaintStatus, Finding, RiskSettings, Visit, VisitStatus
from .outcomes import INPUT

CENT = Decimal("0.01")
PLANNED_STATUSES = (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED)


def settings_now() -> RiskSettings:
    """The one row of weights (made with the defaults if a test database or an install lost it)."""
    found = RiskSettings.objects.order_by("pk").first()
    return found if found is not None else RiskSettings.objects.create(pk=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """`months` Jalali months after (or before) `day`; the 31st of a month that has fewer days is its last day."""
    j = jalali.from_gregorian(day)
    index = j.year * 12 + (j.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return jalali.to_gregorian(year, month, min(j.day, jalali.month_length(year, month)))


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole Jalali months from `earlier` to `later` (1405/01/20 → 1405/03/19: one; → 1405/03/20: two)."""
    a, b = jalali.from_gregorian(earlier), jalali.from_gregorian(later)
    months = (b.year - a.year) * 12 + (b.month - a.month)
    return max(0, months - (1 if b.day < a.day else 0))


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Components:
    unit_id: int
    findings_by_severity: dict[str, int]
    findings: Decimal
    complaints_counted: int
    complaints: Decimal
    rates: dict[str, float]
    outcomes: Decimal
    last_visit: dt.date | None
    months: int  # months counted for time (capped)
    time: Decimal
    total: Decimal = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", self.findings + self.complaints + self.outcomes + self.time)

    @property
    def rate_percents(self) -> list[tuple[str, float]]:
        return [(name, 100 * value) for name, value in self.rates.items()]

    @property
    def mean_rate(self) -> float | None:
        return sum(self.rates.values()) / len(self.rates) if self.rates else None


def _rates(raw: object) -> dict[str, float]:
    """The input's rates for one institute, kept only where they are numbers in [0, 1]."""
    if not isinstance(raw, dict):
        return {}
    kept = {}
    for name, value in raw.items():
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and 0 <= float(value) <= 1:
            kept[str(name)] = float(value)
    return kept


def scores(unit_ids: Iterable[int], today: dt.date, weights: RiskSettings | None = None) -> dict[int, Components]:
    """Every institute's score on `today`, in five queries whatever their number."""
    ids = list(dict.fromkeys(unit_ids))
    w = weights or settings_now()
    since = add_months(today, -w.window_months)
    found: dict[int, dict[str, int]] = {i: {} for i in ids}
    for row in (Finding.objects.filter(visit__institute_id__in=ids, visit__status__in=HELD,
                                       visit__visited_on__gte=since, visit__visited_on__lte=today)
                .values("visit__institute_id", "severity").order_by().annotate(n=Count("pk"))):
        found[row["visit__institute_id"]][row["severity"]] = row["n"]
    complaints = dict(Complaint.objects.filter(institute_id__in=ids, received_on__gte=since, received_on__lte=today)
                      .exclude(status=ComplaintStatus.REJECTED).values("institute_id").order_by()
                      .annotate(n=Count("pk")).values_list("institute_id", "n"))
    last = dict(Visit.objects.filter(institute_id__in=ids, status__in=HELD, visited_on__lte=today)
                .values("institute_id").order_by().annotate(day=Max("visited_on")).values_list("institute_id", "day"))
    outcome = read(INPUT)(ids, since, today) if ids else {}
    out = {}
    for uid in ids:
        by_severity = found[uid]
        points = sum((w.severity_weight(s) * n for s, n in by_severity.items()), Decimal(0))
        rates = _rates(outcome.get(uid))
        mean = Decimal(str(sum(rates.values()) / len(rates))) if rates else None
        visited = last.get(uid)
        months = w.time_cap_months if visited is None else min(months_between(visited, today), w.time_cap_months)
        out[uid] = Components(
            unit_id=uid, findings_by_severity=by_severity, findings=_cents(points),
            complaints_counted=complaints.get(uid, 0), complaints=_cents(w.weight_complaint * complaints.get(uid, 0)),
            rates=rates, outcomes=_cents(w.weight_outcome * (1 - mean)) if mean is not None else Decimal("0.00"),
            last_visit=visited, months=months, time=_cents(w.weight_month * months))
    return out


@dataclass(frozen=True)
class PlanRow:
    licence: Licence
    risk: Components
    interval: int
    high: bool
    due: dt.date
    planned: Visit | None

    @property
    def unit(self):  # type: ignore[no-untyped-def]
        return self.licence.institute.unit

    def overdue(self, today: dt.date) -> bool:
        return self.due < today


def interval_months(grade: int, total: Decimal, w: RiskSettings) -> tuple[int, bool]:
    base = w.interval_for(grade)
    if total >= w.high_risk:
        return max(1, int(Decimal(base) * w.high_risk_factor)), True
    return base, False


def licences_to_visit(units: QuerySet) -> QuerySet[Licence]:
    """The current licences, active or suspended, of the institutes among `units`."""
    return (Licence.objects.filter(is_current=True, status__in=PLANNED_STATUSES, institute__unit__in=units)
            .select_related("institute__unit__county", "institute__unit__province"))


def plan(units: QuerySet, today: dt.date) -> list[PlanRow]:
    """The visit plan of the institutes among `units` (a province's, already scoped to the viewer)."""
    w = settings_now()
    licences = list(licences_to_visit(units))
    ids = [lic.institute_id for lic in licences]
    risk = scores(ids, today, w)
    planned: dict[int, Visit] = {}
    for v in (Visit.objects.filter(institute_id__in=ids, status=VisitStatus.PLANNED)
              .order_by("planned_on", "pk")):
        planned.setdefault(v.institute_id, v)
    rows = []
    for lic in licences:
        r = risk[lic.institute_id]
        months, high = interval_months(lic.grade, r.total, w)
        due = add_months(r.last_visit or lic.issued_on, months)
        rows.append(PlanRow(lic, r, months, high, due, planned.get(lic.institute_id)))
    rows.sort(key=lambda row: (-row.risk.total, row.due, row.licence.institute.unit.code))
    return rows
