"""The risk score and the visit plan, proved twice: against figures worked out here by hand for a small province,
and against an independent computation over the raw records (Python over every row, Fractions, jdatetime),
which shares no code with risk.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import jdatetime
import pytest

from maharat.catalog.models import Cluster
from maharat.factories import TODAY, CourseRunFactory, EnrollmentFactory, make_unit
from maharat.institutes.factories import license_unit
from maharat.kit import inputs
from maharat.org.models import Unit, UnitKind
from maharat.supervision import risk
from maharat.supervision.models import Complaint, Finding, RiskSettings, Visit
from maharat.supervision.services import complaints as complaint_services
from maharat.supervision.services import visits
from maharat.supervision.services.findings import FindingData
from maharat.training.models import Enrollment

from .conftest import complaint_about, results

pytestmark = [pytest.mark.django_db, pytest.mark.unlicensed]


def j(year: int, month: int, day: int) -> dt.date:
    return jdatetime.date(year, month, day).togregorian()


def held(world: dict[str, Any], where: Any, on: dt.date, failing: int = 0, free: list[FindingData] | None = None,
         by: str = "expert") -> Visit:
    """A visit performed (today, through the services), then moved to the day it took place (the raw record)."""
    visit = visits.plan_visit(world[by], institute=where, kind="scheduled", planned_on=TODAY)
    visit = visits.complete_visit(world[by], visit, results(visit, failing=failing, free=free))
    Visit.objects.filter(pk=visit.pk).update(visited_on=on, planned_on=on)
    return visit


def complained(world: dict[str, Any], where: str, on: dt.date, outcome: str = "") -> Complaint:
    c = complaint_about(world, where=where)
    if outcome:
        complaint_services.step(world["manager"], c, "start")
        complaint_services.step(world["manager"], c, outcome, "بررسی شد.")
    Complaint.objects.filter(pk=c.pk).update(received_on=on)
    return c


@pytest.fixture
def province(world: dict[str, Any]) -> dict[str, Any]:
    """Five Qazvin institutes with findings, complaints, outcomes and visits in and out of the 24-month window
    (1403/09/01 to 1405/09/01)."""
    county = world["county"]
    world["third"] = make_unit(UnitKind.FREE_INSTITUTE, parent=county, name="آموزشگاه سوم", cluster=Cluster.ICT)
    world["fourth"] = make_unit(UnitKind.FREE_INSTITUTE, parent=county, name="آموزشگاه چهارم", cluster=Cluster.ICT)
    world["fifth"] = make_unit(UnitKind.FREE_INSTITUTE, parent=county, name="آموزشگاه پنجم", cluster=Cluster.ICT)
    license_unit(world["third"], issued_on=dt.date(2023, 1, 1), clusters=[Cluster.ICT], grade=2)
    license_unit(world["fourth"], issued_on=dt.date(2023, 1, 1), clusters=[Cluster.ICT], grade=3)
    license_unit(world["fifth"], issued_on=dt.date(2023, 1, 1), clusters=[Cluster.ICT], grade=1)
    inst = world["institute"]
    # The institute: on 1405/02/15 two critical items failed and a minor finding outside the checklist; on
    # 1403/06/10 (outside the window) a major one.
    minor = FindingData(title="تابلوی تعرفه کوچک است", action_plan="نصب تابلوی بزرگ‌تر", working_days=5,
                        severity="minor")
    major = FindingData(title="دفتر حضور ناقص", action_plan="تکمیل دفتر", working_days=5, severity="major")
    held(world, inst, j(1405, 2, 15), failing=2, free=[minor])
    held(world, inst, j(1403, 6, 10), free=[major])
    complained(world, "institute", j(1405, 5, 1), "respond")
    complained(world, "institute", j(1404, 10, 10))
    complained(world, "institute", j(1405, 8, 1), "reject")  # unfounded: not counted
    complained(world, "institute", j(1403, 8, 1))  # outside the window
    run = CourseRunFactory(unit=inst, start_date=j(1405, 1, 15), end_date=j(1405, 3, 1))
    for status in ("completed", "completed", "completed", "dropped", "enrolled"):
        EnrollmentFactory(course_run=run, status=status)
    old = CourseRunFactory(unit=inst, start_date=j(1402, 1, 15), end_date=j(1402, 3, 1))  # ended before the window
    EnrollmentFactory(course_run=old, status="dropped")
    held(world, world["third"], TODAY)
    held(world, world["fourth"], j(1405, 6, 1))
    held(world, world["fifth"], j(1405, 6, 1))
    # The far institute (the other province) has a critical finding: it is in no Qazvin plan.
    held(world, world["far"], j(1405, 7, 1), failing=1, by="other_expert")
    return world


def test_the_scores_worked_out_by_hand(province: dict[str, Any]) -> None:
    w = province
    ids = [w[k].pk for k in ("institute", "neighbour", "third", "fourth", "fifth")]
    got = risk.scores(ids, TODAY)
    inst = got[w["institute"].pk]
    # Findings: 2 critical × 6 + 1 minor × 1 = 13; complaints: 2 × 2 = 4; completion 3 of 4 = 75%:
    # 10 × 0.25 = 2.5; six whole months since 1405/02/15: 6 × 0.5 = 3.
    assert inst.findings_by_severity == {"critical": 2, "minor": 1}
    assert (inst.findings, inst.complaints, inst.outcomes, inst.time) == (
        Decimal("13.00"), Decimal("4.00"), Decimal("2.50"), Decimal("3.00"))
    assert inst.total == Decimal("22.50") and inst.complaints_counted == 2 and inst.rates == {"completion": 0.75}
    assert inst.last_visit == j(1405, 2, 15) and inst.months == 6
    never = got[w["neighbour"].pk]  # never visited: the cap of 36 months
    assert (never.total, never.months, never.last_visit) == (Decimal("18.00"), 36, None)
    assert got[w["third"].pk].total == Decimal("0.00")
    assert got[w["fourth"].pk].total == got[w["fifth"].pk].total == Decimal("1.50")  # three months × 0.5


def test_the_plan_lists_by_descending_risk_then_due_date(province: dict[str, Any]) -> None:
    w = province
    rows = risk.plan(Unit.objects.filter(province=w["qazvin"]), TODAY)
    assert [r.unit.code for r in rows] == [w[k].code for k in ("institute", "neighbour", "fourth", "fifth", "third")]
    due = {r.unit.code: (r.interval, r.high, r.due) for r in rows}
    # The institute: grade 2 (12 months), high risk halves it: 6 months after 1405/02/15.
    assert due[w["institute"].code] == (6, True, j(1405, 8, 15))
    # The neighbour: grade 1 (24), high: 12 months after its licence (1400/03/11).
    assert due[w["neighbour"].code] == (12, True, j(1401, 3, 11))
    assert due[w["fourth"].code] == (6, False, j(1405, 12, 1))  # grade 3
    assert due[w["fifth"].code] == (24, False, j(1407, 6, 1))  # grade 1, same risk, later due: after the fourth
    assert due[w["third"].code] == (12, False, j(1406, 9, 1))
    assert w["far"].code not in due


def test_the_weights_are_hqs(province: dict[str, Any]) -> None:
    RiskSettings.objects.update(weight_critical=Decimal("10"), weight_complaint=Decimal("0"), high_risk=Decimal("100"))
    inst = risk.scores([province["institute"].pk], TODAY)[province["institute"].pk]
    assert (inst.findings, inst.complaints, inst.total) == (Decimal("21.00"), Decimal("0.00"), Decimal("26.50"))
    [row] = [r for r in risk.plan(Unit.objects.filter(pk=province["institute"].pk), TODAY)]
    assert (row.interval, row.high) == (12, False)


def test_a_provided_input_replaces_the_default(province: dict[str, Any]) -> None:
    inst = province["institute"].pk
    inputs.provide("institute_outcomes", lambda ids, since, until: {inst: {"completion": 0.75, "employment": 0.25,
                                                                           "junk": 7, "flag": True}})
    try:
        got = risk.scores([inst], TODAY)[inst]
    finally:
        inputs.withdraw("institute_outcomes")
    assert got.rates == {"completion": 0.75, "employment": 0.25}  # out-of-range and non-numbers are left out
    assert got.outcomes == Decimal("5.00")  # 10 × (1 − 0.5)


# ------------------------------------------------------------------------------ the independent computation
def _months(a: dt.date, b: dt.date) -> int:
    ja, jb = jdatetime.date.fromgregorian(date=a), jdatetime.date.fromgregorian(date=b)
    n = (jb.year - ja.year) * 12 + jb.month - ja.month
    return max(0, n - (1 if jb.day < ja.day else 0))


def _window_start(today: dt.date, months: int) -> dt.date:
    jt = jdatetime.date.fromgregorian(date=today)
    k = jt.year * 12 + jt.month - 1 - months
    y, m = k // 12, k % 12 + 1
    last = 31 if m <= 6 else 30 if m <= 11 else (30 if jdatetime.date(y, 1, 1).isleap() else 29)
    return jdatetime.date(y, m, min(jt.day, last)).togregorian()


def independent(unit_id: int, today: dt.date) -> Fraction:
    s = RiskSettings.objects.get()
    since = _window_start(today, s.window_months)
    weights = {"minor": Fraction(s.weight_minor), "major": Fraction(s.weight_major),
               "critical": Fraction(s.weight_critical)}
    total = Fraction(0)
    for f in Finding.objects.all():
        v = f.visit
        if v.institute_id == unit_id and v.status in ("done", "closed") and since <= v.visited_on <= today:
            total += weights[f.severity]
    complaints = [c for c in Complaint.objects.all() if c.institute_id == unit_id and since <= c.received_on <= today
                  and c.status != "rejected"]
    total += Fraction(s.weight_complaint) * len(complaints)
    ended = [e for e in Enrollment.objects.all() if e.course_run.unit_id == unit_id
             and since <= e.course_run.end_date <= today and e.status in ("completed", "dropped")]
    if ended:
        rate = Fraction(sum(e.status == "completed" for e in ended), len(ended))
        total += Fraction(s.weight_outcome) * (1 - rate)
    held_days = [v.visited_on for v in Visit.objects.all() if v.institute_id == unit_id
                 and v.status in ("done", "closed") and v.visited_on <= today]
    months = min(_months(max(held_days), today), s.time_cap_months) if held_days else s.time_cap_months
    return total + Fraction(s.weight_month) * months


@pytest.mark.parametrize("day", [TODAY, TODAY + dt.timedelta(days=45), dt.date(2025, 12, 1), dt.date(2027, 3, 20)])
def test_every_score_matches_an_independent_computation_over_the_raw_records(province: dict[str, Any],
                                                                             day: dt.date) -> None:
    ids = list(Unit.objects.filter(kind=UnitKind.FREE_INSTITUTE).values_list("pk", flat=True))
    got = risk.scores(ids, day)
    for uid in ids:
        assert abs(Fraction(got[uid].total) - independent(uid, day)) <= Fraction(2, 100), uid
