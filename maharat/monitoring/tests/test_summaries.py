"""The summary tables are exact.

1. Every indicator, read from the summaries, equals an independent computation over the raw records.
2. After a random mix of creates, edits, moves between units and deletions, the incrementally maintained
   tables equal a full rebuild from the raw records.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest
from django.db import transaction

from maharat.assessment.models import Candidate, Certificate, TestSession
from maharat.common import jalali
from maharat.demo.builder import DemoBuilder
from maharat.factories import TODAY, today_is
from maharat.monitoring import summaries
from maharat.monitoring.models import Fact, GroupFact, NodeMonth, TraineeYear, UnitMonth
from maharat.monitoring.selectors import Progress, node_measures, resources
from maharat.org.models import Unit, UnitKind
from maharat.org.selectors import subtree_q
from maharat.org.services import unit_move
from maharat.people.models import TargetGroup, Trainee
from maharat.plans.indicators import INDICATORS, MEASURES, WORKSHOP_HOURS_PER_SEAT_YEAR, compute
from maharat.training.models import CourseRun, Enrollment, EnrollmentStatus, Workshop

pytestmark = pytest.mark.django_db

# TODAY is 1405/09/01: the current year is partly past.


@pytest.fixture(scope="module")
def small_country(built_once):  # type: ignore[no-untyped-def]
    """Two provinces of the demo, built once for this module; each test's writes are rolled back."""
    with today_is(TODAY), built_once(lambda: DemoBuilder(seed=11, scale=0.004, provinces=["IR-20", "IR-16"], today=TODAY).build()):
        yield


# ------------------------------------------------------------------------ independent computation
def raw_indicators(node: Unit, year: int) -> dict[str, float]:
    """Each indicator straight from the raw rows, written without the summary code or its SQL."""
    first, last = jalali.year_bounds(year)
    rows = list(
        Enrollment.objects.filter(subtree_q(node, "course_run__unit__"), course_run__end_date__range=(first, last))
        .values("trainee_id", "status", "hours_attended", "trainee__sex", "trainee__residence", "trainee__income_decile",
                "course_run__mode", "course_run__workshop_id", "course_run__unit__kind")
    )
    n = len(rows)
    ph = sum(r["hours_attended"] for r in rows)
    # Trainees: each person once a year, where their first-ending course of the year is.
    year_rows = (Enrollment.objects.filter(course_run__end_date__range=(first, last))
                 .order_by("trainee_id", "course_run__end_date", "course_run_id")
                 .values_list("trainee_id", "course_run__unit__path"))
    first_place: dict[int, str] = {}
    for trainee_id, path in year_rows:
        first_place.setdefault(trainee_id, path)
    trainees = sum(1 for path in first_place.values() if node.kind == UnitKind.HQ or path.startswith(node.path))

    # Certificates where the holder was trained, in the year of issue; test results where the candidate
    # was trained (or, for prior learning, assessed), in the year of the test.
    certificates = sum(1 for path in Certificate.objects.filter(issued_on__range=(first, last))
                       .values_list("training_unit__path", flat=True) if path.startswith(node.path))
    assessed = passed = 0
    for result, run_path, assessor_path in Candidate.objects.filter(session__held_on__range=(first, last)).values_list(
            "result", "enrollment__course_run__unit__path", "session__assessor_unit__path"):
        if (run_path or assessor_path).startswith(node.path) and result in ("pass", "fail"):
            assessed += 1
            passed += result == "pass"

    def share(part: float, whole: float) -> float:
        return part / whole * 100 if whole else 0.0

    trainers = resources([node], Progress.of(year, TODAY))[node.pk]
    seats = sum(w.seats for w in Workshop.objects.filter(subtree_q(node, "unit__"), is_active=True))
    capacity = seats * WORKSHOP_HOURS_PER_SEAT_YEAR * Progress.of(year, TODAY).until_month / 12
    workshop_ph = sum(r["hours_attended"] for r in rows if r["course_run__workshop_id"])
    return {
        "person_hours": ph,
        "enrollments": n,
        "completed": sum(1 for r in rows if r["status"] == "completed"),
        "trainees": trainees,
        "certificates": certificates,
        "pass_rate": share(passed, assessed),
        "private_share": share(sum(r["hours_attended"] for r in rows if r["course_run__unit__kind"] == "free_institute"), ph),
        "rural_nomad_share": share(sum(1 for r in rows if r["trainee__residence"] in ("rural", "nomad")), n),
        "women_share": share(sum(1 for r in rows if r["trainee__sex"] == "F"), n),
        "low_decile_share": share(sum(1 for r in rows if (r["trainee__income_decile"] or 99) <= 3), n),
        "workplace_share": share(sum(r["hours_attended"] for r in rows if r["course_run__mode"] == "workplace"), ph),
        "person_hours_per_trainer": ph / trainers["trainers"] if trainers["trainers"] else 0.0,
        "workshop_utilisation": share(workshop_ph, capacity),
    }


def summary_indicators(node: Unit, year: int) -> dict[str, float]:
    measures = node_measures([node.pk], year)[node.pk]
    measures.update(resources([node], Progress.of(year, TODAY))[node.pk])
    return {key: compute(ind, measures) for key, ind in INDICATORS.items()}


def test_every_indicator_equals_an_independent_computation(small_country) -> None:  # type: ignore[no-untyped-def]
    nodes = [Unit.objects.get(code="IR"), Unit.objects.get(code="IR-20"), Unit.objects.get(code="IR-16")]
    nodes += list(Unit.objects.filter(province__code="IR-20", kind=UnitKind.COUNTY)[:2])
    nodes += list(Unit.objects.filter(province__code="IR-20", kind=UnitKind.FIXED_CENTER)[:2])
    nodes += list(Unit.objects.filter(province__code="IR-16", kind=UnitKind.FREE_INSTITUTE)[:1])
    for node in nodes:
        for year in (1401, 1404):
            expected, got = raw_indicators(node, year), summary_indicators(node, year)
            for key in INDICATORS:
                assert got[key] == pytest.approx(expected[key], rel=1e-9, abs=1e-9), (node.code, year, key)
    national = summary_indicators(nodes[0], 1401)
    assert national["person_hours"] > 0 and national["trainees"] > 0


def test_breakdowns_add_up_to_the_totals(small_country) -> None:  # type: ignore[no-untyped-def]
    from maharat.monitoring.breakdowns import breakdown

    province = Unit.objects.get(code="IR-20")
    total = node_measures([province.pk], 1403)[province.pk]
    for dim in ("sex", "mode", "cluster", "sector", "residence", "decile_band"):
        rows = breakdown(province, 1403, dim)
        assert sum(r["enrollments"] for r in rows) == total["enrollments"], dim
        assert sum(r["person_hours"] for r in rows) == total["person_hours"], dim
    women = sum(r["enrollments"] for r in breakdown(province, 1403, "sex") if r["value"] == "F")
    assert women == total["women"]


# ------------------------------------------------------------------------------- incremental = rebuild
def snapshot() -> dict[str, object]:
    def rows(model, key_fields, value_fields):  # type: ignore[no-untyped-def]
        acc: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(value_fields))
        for row in model.objects.values_list(*key_fields, *value_fields):
            key, values = row[: len(key_fields)], row[len(key_fields):]
            for i, v in enumerate(values):
                acc[key][i] += v
        return {k: tuple(v) for k, v in acc.items() if any(v)}

    return {
        "unit": rows(UnitMonth, ("unit_id", "year", "month", "sector"), MEASURES),
        "node": rows(NodeMonth, ("node_id", "year", "month", "sector"), MEASURES),
        "fact": rows(Fact, ("unit_id", "year", "month", "sector", "sex", "mode", "cluster", "residence", "decile_band"),
                     ("enrollments", "completed", "person_hours")),
        "group": rows(GroupFact, ("unit_id", "year", "month", "group_id"), ("enrollments", "person_hours")),
        "trainee": {k: v for k, v in ((r[:2], r[2:]) for r in TraineeYear.objects.values_list(
            "trainee_id", "year", "unit_id", "month", "sector"))},
    }


def random_operations(rng: random.Random, count: int) -> list[str]:
    done = []
    groups = list(TargetGroup.objects.all())
    for _ in range(count):
        op = rng.choice(["create", "edit", "status", "run_month", "run_unit", "move_unit", "trainee", "groups",
                         "delete", "delete_run", "result", "certify", "test_date"])
        runs = list(CourseRun.objects.order_by("?")[:1])
        if not runs:
            continue
        run = runs[0]
        enrollment = Enrollment.objects.filter(course_run=run).order_by("?").first()
        if op == "create":
            trainee = Trainee.objects.exclude(enrollments__course_run=run).order_by("?").first()
            if trainee:
                Enrollment.objects.create(course_run=run, trainee=trainee, hours_attended=rng.randint(0, run.hours),
                                          status=rng.choice(list(EnrollmentStatus)))
        elif op == "edit" and enrollment:
            enrollment.hours_attended = rng.randint(0, run.hours)
            enrollment.save()
        elif op == "status" and enrollment:
            enrollment.status = rng.choice(list(EnrollmentStatus))
            enrollment.save()
        elif op == "run_month":  # a course ends in another month, maybe another year
            run.end_date = run.end_date + dt.timedelta(days=rng.choice([-400, -40, 35, 370]))
            run.start_date = min(run.start_date, run.end_date)
            run.save()
        elif op == "run_unit":  # the course is moved to another unit, maybe in another province
            other = Unit.objects.filter(kind__in=("fixed_center", "free_institute")).order_by("?").first()
            run.unit, run.workshop = other, None
            run.save()
        elif op == "move_unit":  # a center moves to another county (maybe in another province)
            center = Unit.objects.filter(kind=UnitKind.FIXED_CENTER).order_by("?").first()
            county = Unit.objects.filter(kind=UnitKind.COUNTY).exclude(pk=center.parent_id).order_by("?").first()
            unit_move(unit=center, new_parent=county)
        elif op == "trainee" and enrollment:
            t = enrollment.trainee
            t.sex = rng.choice("MF")
            t.residence = rng.choice(["urban", "rural", "nomad"])
            t.income_decile = rng.choice([None, 1, 2, 5, 9])
            t.decile_assessed_on = dt.date(2023, 1, 1) if t.income_decile else None
            t.save()
        elif op == "groups" and enrollment:
            enrollment.trainee.target_groups.set(rng.sample(groups, rng.randint(0, 3)))
        elif op == "delete" and enrollment:
            enrollment.delete()
        elif op == "delete_run" and rng.random() < 0.3:
            run.delete()
        elif op == "result":
            candidate = Candidate.objects.order_by("?").first()
            if candidate:
                candidate.result = rng.choice(["pass", "fail", "absent", "pending"])
                candidate.save()
        elif op == "certify":
            candidate = Candidate.objects.filter(result="pass", certificates__isnull=True).order_by("?").first()
            if candidate and not Certificate.objects.filter(trainee=candidate.trainee,
                                                            standard=candidate.session.standard).exists():
                Certificate.objects.create(
                    serial=f"MH-TEST-{candidate.pk:04d}-{rng.randint(0, 9999):04d}", trainee=candidate.trainee,
                    standard=candidate.session.standard, candidate=candidate, issuing_unit=candidate.session.assessor_unit,
                    training_unit=candidate.enrollment.course_run.unit if candidate.enrollment else candidate.session.assessor_unit,
                    issued_on=candidate.session.held_on + dt.timedelta(days=rng.randint(0, 60)), payload="{}", signature="-")
        elif op == "test_date":
            session = TestSession.objects.order_by("?").first()
            if session:
                session.held_on = session.held_on + dt.timedelta(days=rng.choice([-45, 40]))
                session.save()
        done.append(op)
    return done


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_summaries_equal_a_full_rebuild(small_country, seed: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    assert snapshot()["node"], "the demo built summaries"
    done = random_operations(rng, 40)
    assert len(set(done)) >= 6  # a real mix happened
    assert_equal_to_a_rebuild()


def assert_equal_to_a_rebuild() -> None:
    """The live summary tables, table by table, against a full rebuild (rolled back afterwards)."""
    incremental = snapshot()
    with transaction.atomic():
        summaries.rebuild()
        rebuilt = snapshot()
        transaction.set_rollback(True)
    for table in incremental:
        assert incremental[table] == rebuilt[table], table


def test_batch_defers_the_work_to_one_refresh(small_country) -> None:  # type: ignore[no-untyped-def]
    run = CourseRun.objects.filter(enrollments__isnull=False).first()
    before = node_measures([run.unit_id], jalali.from_gregorian(run.end_date).year)[run.unit_id]["person_hours"]
    with summaries.batch() as pending:
        for e in run.enrollments.all():
            e.hours_attended = 1
            e.save()
        assert pending.slices  # collected, not yet applied
        assert node_measures([run.unit_id], jalali.from_gregorian(run.end_date).year)[run.unit_id]["person_hours"] == before
    year = jalali.from_gregorian(run.end_date).year
    after = node_measures([run.unit_id], year)[run.unit_id]["person_hours"]
    first, last = jalali.year_bounds(year)
    raw = sum(Enrollment.objects.filter(course_run__unit_id=run.unit_id, course_run__end_date__range=(first, last))
              .values_list("hours_attended", flat=True))
    assert after == raw != before  # applied, once, at the end of the batch


def test_bulk_attribution_equals_row_by_row(small_country) -> None:  # type: ignore[no-untyped-def]
    keys = set(TraineeYear.objects.values_list("trainee_id", "year"))
    assert len(keys) > 200  # large enough for the set-wise path
    expected = snapshot()
    TraineeYear.objects.all().delete()  # forget who is counted where, then recompute it in bulk
    summaries.refresh(summaries.Pending(set(), keys))
    assert snapshot() == expected
