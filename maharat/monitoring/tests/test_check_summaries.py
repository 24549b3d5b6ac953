"""`maharat check-summaries`: the live summary tables against a recomputation from the raw records.

A clean dataset (kept by the incremental refresh, or rebuilt) shows no difference; each summary table
damaged by direct SQL is reported with its key and both values; --repair rewrites exactly those rows, a
second check finds nothing, the figures are back and an audit entry says so; --year and --unit narrow it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from maharat.assessment.models import Candidate, Certificate, Result
from maharat.assessment.models import TestSession as Sitting
from maharat.audit.models import AuditAction, AuditEntry
from maharat.common import jalali
from maharat.factories import CourseRunFactory, EnrollmentFactory, TraineeFactory, WorkshopFactory, make_unit
from maharat.monitoring import summaries
from maharat.monitoring.models import Fact, GroupFact, NodeMonth, StaleSlice, TraineeYear, UnitMonth
from maharat.monitoring.tests.test_summaries import snapshot
from maharat.monitoring.verify import check
from maharat.org.models import Unit, UnitKind
from maharat.people.models import TargetGroup
from maharat.training.models import DeliveryMode, EnrollmentStatus

pytestmark = pytest.mark.django_db

Y1403, Y1404 = 1403, 1404  # 2024-03-20 … 2025-03-20, 2025-03-21 … 2026-03-20


@pytest.fixture
def tree(db):  # type: ignore[no-untyped-def]
    """Two counties of Qazvin: a center and a free institute in the first, a center in the second; runs in two
    years, trainees of every kind, target groups, a test with a certificate, and a month with absentees only."""
    county_a = make_unit(UnitKind.COUNTY, name="شهرستان الف")
    county_b = make_unit(UnitKind.COUNTY, name="شهرستان ب")
    center_a = make_unit(UnitKind.FIXED_CENTER, parent=county_a, name="مرکز الف")
    institute = make_unit(UnitKind.FREE_INSTITUTE, parent=county_a, name="آموزشگاه الف")
    center_b = make_unit(UnitKind.FIXED_CENTER, parent=county_b, name="مرکز ب")
    groups = list(TargetGroup.objects.all()[:3])
    trainees = []
    for i in range(12):
        t = TraineeFactory(registered_unit=center_a, sex="MF"[i % 2], residence=["urban", "rural", "nomad"][i % 3],
                           income_decile=[None, 2, 7][i % 3], decile_assessed_on=None if i % 3 == 0 else dt.date(2024, 1, 1))
        if i % 4 == 0:
            t.target_groups.set(groups[: 1 + i % 3])
        trainees.append(t)
    workshop = WorkshopFactory(unit=center_a)
    runs = [
        CourseRunFactory(unit=center_a, start_date=dt.date(2024, 5, 1), end_date=dt.date(2024, 6, 10), workshop=workshop),
        CourseRunFactory(unit=center_a, start_date=dt.date(2025, 4, 1), end_date=dt.date(2025, 5, 5),
                         mode=DeliveryMode.WORKPLACE),
        CourseRunFactory(unit=center_b, start_date=dt.date(2025, 4, 1), end_date=dt.date(2025, 5, 20)),
        CourseRunFactory(unit=institute, start_date=dt.date(2024, 9, 1), end_date=dt.date(2024, 11, 1),
                         mode=DeliveryMode.FREE_INSTITUTE),
        CourseRunFactory(unit=center_b, start_date=dt.date(2024, 5, 1), end_date=dt.date(2024, 6, 15)),
    ]
    statuses = [EnrollmentStatus.COMPLETED, EnrollmentStatus.DROPPED, EnrollmentStatus.ENROLLED]
    for r, run in enumerate(runs):
        for i in range(r, r + 6):
            EnrollmentFactory(course_run=run, trainee=trainees[i % 12], hours_attended=10 + 7 * i,
                              status=statuses[(i + r) % 3])
    session = Sitting.objects.create(code="T-1", standard=runs[1].standard, assessor_unit=center_a,
                                         held_on=dt.date(2025, 6, 1))
    for n, e in enumerate(runs[1].enrollments.all()[:3]):
        c = Candidate.objects.create(session=session, trainee=e.trainee, enrollment=e,
                                     result=[Result.PASS, Result.FAIL, Result.ABSENT][n])
        if c.result == Result.PASS:
            Certificate.objects.create(serial="MH-T-0001", trainee=c.trainee, standard=session.standard, candidate=c,
                                       issuing_unit=center_a, training_unit=center_a, issued_on=dt.date(2025, 6, 10),
                                       payload="{}", signature="-")
    # Prior-learning candidates who did not come, in a month with no course: a rebuild writes an all-zero row.
    rpl = Sitting.objects.create(code="T-2", standard=runs[2].standard, assessor_unit=center_b,
                                     held_on=dt.date(2025, 9, 1))
    Candidate.objects.create(session=rpl, trainee=trainees[0], result=Result.ABSENT)
    return {"county_a": county_a, "county_b": county_b, "center_a": center_a, "center_b": center_b,
            "institute": institute, "runs": runs}


def _sql(statement: str, params: list | tuple = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))
        return cursor.rowcount


def _month(day: dt.date) -> tuple[int, int]:
    j = jalali.from_gregorian(day)
    return j.year, j.month


def _only(report, table: str):  # type: ignore[no-untyped-def]
    found = [d for d in report.differences if d.table == table]
    assert len(found) == 1, (table, found)
    return found[0]


def test_a_clean_dataset_has_no_difference_incrementally_or_after_a_rebuild(tree) -> None:  # type: ignore[no-untyped-def]
    report = check()
    assert report.ok, report.differences
    assert report.checked["unit_month"] >= 5 and report.checked["trainee_year"] >= 12 and report.checked["group_fact"]
    assert set(report.counts) == {"unit_month", "node_month", "fact", "group_fact", "trainee_year"}
    summaries.rebuild()  # keeps an all-zero row for the absentees' month: the check counts it as absent
    assert UnitMonth.objects.filter(unit=tree["center_b"], year=Y1404, month=6, enrollments=0).exists()
    assert check().ok


def test_each_damaged_table_is_reported_with_its_key_and_both_values(tree) -> None:  # type: ignore[no-untyped-def]
    center_a, center_b = tree["center_a"], tree["center_b"]
    y, m = _month(dt.date(2025, 5, 5))  # center_a's 1404 run
    row = UnitMonth.objects.get(unit=center_a, year=y, month=m)
    assert _sql("UPDATE monitoring_unitmonth SET enrollments = enrollments + 5, person_hours = 1 WHERE id = %s", [row.pk])
    province = Unit.objects.get(code="IR-26")
    node = NodeMonth.objects.get(node=province, year=Y1403, month=_month(dt.date(2024, 6, 10))[1], sector="public")
    assert _sql("DELETE FROM monitoring_nodemonth WHERE id = %s", [node.pk])
    assert _sql("INSERT INTO monitoring_fact (unit_id, year, month, sector, sex, mode, cluster, residence, decile_band, "
                "enrollments, completed, person_hours) VALUES (%s, 1404, 11, 'public', 'M', 'online', 'ict', 'urban', "
                "'other', 3, 2, 90)", [center_b.pk])
    group = GroupFact.objects.order_by("pk").first()
    assert _sql("UPDATE monitoring_groupfact SET person_hours = person_hours + 11 WHERE id = %s", [group.pk])
    attribution = TraineeYear.objects.filter(unit=center_a).order_by("pk").first()
    assert _sql("UPDATE monitoring_traineeyear SET unit_id = %s, month = 12 WHERE id = %s", [center_b.pk, attribution.pk])

    report = check()
    assert report.counts == {"unit_month": 1, "node_month": 1, "fact": 1, "group_fact": 1, "trainee_year": 1}
    assert not report.ok and report.total == 5 and report.repaired == 0

    d = _only(report, "unit_month")
    assert d.key == {"unit_id": center_a.pk, "year": y, "month": m, "sector": "public"}
    assert d.columns == ["enrollments", "person_hours"]
    assert (d.live["enrollments"], d.expected["enrollments"]) == (row.enrollments + 5, row.enrollments)
    assert (d.live["person_hours"], d.expected["person_hours"]) == (1, row.person_hours)

    d = _only(report, "node_month")
    assert d.key == {"node_id": province.pk, "year": Y1403, "month": node.month, "sector": "public"}
    assert d.live is None and d.expected["person_hours"] == node.person_hours and d.expected["trainees"] == node.trainees

    d = _only(report, "fact")
    assert d.key == {"unit_id": center_b.pk, "year": 1404, "month": 11, "sector": "public", "sex": "M", "mode": "online",
                     "cluster": "ict", "residence": "urban", "decile_band": "other"}
    assert d.live == {"enrollments": 3, "completed": 2, "person_hours": 90} and d.expected is None

    d = _only(report, "group_fact")
    assert d.key == {"unit_id": group.unit_id, "year": group.year, "month": group.month, "group_id": group.group_id}
    assert (d.live["person_hours"], d.expected["person_hours"]) == (group.person_hours + 11, group.person_hours)
    assert d.columns == ["person_hours"]

    d = _only(report, "trainee_year")
    assert d.key == {"trainee_id": attribution.trainee_id, "year": attribution.year}
    assert d.live == {"unit_id": center_b.pk, "month": 12, "sector": "public"}
    assert d.expected == {"unit_id": center_a.pk, "month": attribution.month, "sector": "public"}

    rows = report.display_rows()
    assert [r[0] for r in rows] == ["unit_month", "node_month", "fact", "group_fact", "trainee_year"]
    assert rows[0][1] == f"{center_a.code} {y}/{m:02d} public" and "enrollments=" in rows[0][2]
    assert rows[1][1].startswith("IR-26 1403/") and rows[1][2] == "—"
    assert rows[4][2].startswith(center_b.code)


def test_repair_rewrites_exactly_the_differing_rows_and_is_audited(tree) -> None:  # type: ignore[no-untyped-def]
    before = snapshot()
    center_a = tree["center_a"]
    _sql("UPDATE monitoring_unitmonth SET completed = completed + 2 WHERE unit_id = %s", [center_a.pk])
    _sql("UPDATE monitoring_nodemonth SET trainees = trainees + 1 WHERE node_id = %s",
         [Unit.objects.get(code="IR").pk])
    _sql("DELETE FROM monitoring_fact WHERE unit_id = %s", [tree["institute"].pk])
    _sql("INSERT INTO monitoring_groupfact (unit_id, year, month, group_id, enrollments, person_hours) "
         "SELECT unit_id, year, month, group_id, enrollments, person_hours FROM monitoring_groupfact")  # doubled
    _sql("DELETE FROM monitoring_traineeyear WHERE unit_id = %s", [tree["center_b"].pk])
    damaged = check()
    assert damaged.total > 5 and all(damaged.counts.values())
    untouched = NodeMonth.objects.filter(node__code="IR-26").values_list("pk", flat=True)
    untouched_ids = set(untouched)

    repaired = check(repair=True)
    assert repaired.counts == damaged.counts and repaired.repaired == damaged.total
    assert check().ok
    assert snapshot() == before
    assert set(NodeMonth.objects.filter(node__code="IR-26").values_list("pk", flat=True)) == untouched_ids  # not rewritten
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, note__startswith="check-summaries repaired")
    assert f"repaired {damaged.total} slices" in entry.note and "trainee_year" in entry.note
    assert check(repair=True).repaired == 0
    assert AuditEntry.objects.filter(note__startswith="check-summaries").count() == 1  # nothing to repair: no entry


def test_year_and_unit_limit_the_check(tree) -> None:  # type: ignore[no-untyped-def]
    center_a, center_b = tree["center_a"], tree["center_b"]
    rows_a = UnitMonth.objects.filter(unit=center_a).count()  # 1403/03, 1404/02, and 1404/03 (the test)
    assert rows_a == 3 and UnitMonth.objects.filter(unit=center_b).count() == 2
    _sql("UPDATE monitoring_unitmonth SET enrollments = enrollments + 1 WHERE unit_id IN (%s, %s)", [center_a.pk, center_b.pk])
    assert check().counts["unit_month"] == 5

    in_1403 = check(year=Y1403)
    assert in_1403.counts["unit_month"] == 2 and {d.key["year"] for d in in_1403.differences} == {Y1403}
    in_a = check(unit=tree["county_a"])
    assert in_a.counts["unit_month"] == 3 and {d.key["unit_id"] for d in in_a.differences} == {center_a.pk}
    assert check(unit=tree["institute"]).ok
    both = check(year=Y1404, unit=center_b)
    assert [(d.key["unit_id"], d.key["year"]) for d in both.differences] == [(center_b.pk, Y1404)]

    # A node's figures are checked with its subtree; a province above the unit is not.
    _sql("UPDATE monitoring_nodemonth SET person_hours = person_hours + 1 WHERE node_id IN (%s, %s)",
         [tree["county_b"].pk, Unit.objects.get(code="IR-26").pk])
    assert {d.key["node_id"] for d in check(unit=tree["county_b"]).differences if d.table == "node_month"} == {
        tree["county_b"].pk}
    assert not [d for d in check(unit=tree["county_a"]).differences if d.table == "node_month"]

    # Who is counted where: a trainee counted in another subtree than the one they trained in is found from
    # either side.
    at_institute = set(tree["runs"][3].enrollments.values_list("trainee_id", flat=True))
    attribution = TraineeYear.objects.filter(unit=center_a).exclude(trainee_id__in=at_institute).order_by("pk").first()
    _sql("UPDATE monitoring_traineeyear SET unit_id = %s WHERE id = %s", [center_b.pk, attribution.pk])
    for node in (tree["county_a"], tree["county_b"]):
        found = [d for d in check(unit=node).differences if d.table == "trainee_year"]
        assert [d.key["trainee_id"] for d in found] == [attribution.trainee_id], node.code
    assert not [d for d in check(unit=tree["institute"], year=attribution.year).differences if d.table == "trainee_year"]

    # Repairing a subtree repairs only that subtree.
    check(unit=tree["county_a"], repair=True)
    assert check(unit=tree["county_a"]).ok
    assert not check(unit=tree["county_b"]).ok


def test_the_command_lists_the_differences_and_exits_1_until_repaired(tree, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("check-summaries")
    assert "summaries match" in capsys.readouterr().out
    center_a = tree["center_a"]
    _sql("UPDATE monitoring_unitmonth SET person_hours = person_hours + 7 WHERE unit_id = %s AND year = %s AND month = %s",
         [center_a.pk, *_month(dt.date(2025, 5, 5))])
    with pytest.raises(CommandError) as failed:
        call_command("check-summaries", "--year", str(Y1404))
    assert failed.value.returncode == 1
    out = capsys.readouterr().out
    assert "جدول / table" in out and f"{center_a.code} {Y1404}/" in out and "person_hours=" in out
    assert "unit_month 1/" in out and "node_month 0/" in out

    call_command("check-summaries", "--year", str(Y1403))  # the other year is clean: exit 0
    call_command("check-summaries", "--unit", tree["county_b"].code.lower())
    with pytest.raises(CommandError):
        call_command("check-summaries", "--unit", "IR-99-NOPE")
    capsys.readouterr()

    call_command("check-summaries", "--repair")
    assert "repaired 1 slices" in capsys.readouterr().out
    call_command("check-summaries")
    assert AuditEntry.objects.filter(note__startswith="check-summaries repaired 1 slices").exists()


def test_the_limit_bounds_the_list_not_the_count(tree) -> None:  # type: ignore[no-untyped-def]
    _sql("DELETE FROM monitoring_fact")
    report = check(limit=2)
    assert not Fact.objects.exists() and report.counts["fact"] == report.checked["fact"] > 2
    assert len([d for d in report.differences if d.table == "fact"]) == 2


def test_slices_waiting_for_the_worker_are_counted_and_named(tree, capsys) -> None:  # type: ignore[no-untyped-def]
    StaleSlice.objects.create(unit=tree["center_a"], year=Y1404, month=2, reason="standard moved to another cluster")
    assert check().stale == 1 and check(unit=tree["county_a"]).stale == 1
    assert check(unit=tree["county_b"]).stale == 0 and check(year=Y1403).stale == 0
    call_command("check-summaries")
    assert "1 slices are waiting for the background refresh" in capsys.readouterr().out
