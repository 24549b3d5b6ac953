"""The demo country tells the published story (DOMAIN.md) and is deterministic.

The only tests that need the whole country: it is built once per run (once per xdist worker that runs this
module), on a fixed day, inside a transaction that is rolled back afterwards, so the other tests never see
it (conftest.py: built_once). A tenth of the small scale keeps it quick; Qazvin and East Azerbaijan are
built at their published size whatever the scale, which is most of the minute the build takes: a heavy suite,
run once, on PostgreSQL (the SQLite build is the one `make run` does, and test_determinism builds a province
on both).
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection

from maharat.common import jalali
from maharat.demo.builder import DemoBuilder
from maharat.factories import TODAY, today_is
from maharat.org import selectors
from maharat.org.models import Unit, UnitKind
from maharat.people.models import Trainee, Trainer
from maharat.training.figures import person_hours
from maharat.training.models import CourseRun, Enrollment, Workshop

pytestmark = pytest.mark.heavy


@pytest.fixture(scope="module")
def country(built_once):  # type: ignore[no-untyped-def]
    with today_is(TODAY), built_once(lambda: DemoBuilder(seed=7, scale=0.001, today=TODAY).build()) as report:
        yield report


@pytest.fixture
def in_country(country, db, today):  # type: ignore[no-untyped-def]
    """The country, and each test in its own savepoint on the day it was built up to."""
    return country


def province_year_person_hours(iso: str, year: int) -> int:
    first, last = jalali.year_bounds(year)
    province = selectors.province_by_iso(iso)
    return person_hours(
        Enrollment.objects.filter(selectors.subtree_q(province, "course_run__unit__"),
                                  course_run__end_date__range=(first, last))
    )


def test_qazvin_structure(in_country) -> None:  # type: ignore[no-untyped-def]
    qazvin = selectors.province_by_iso("IR-26")
    kinds = Counter(selectors.subtree(qazvin).values_list("kind", flat=True))
    assert kinds[UnitKind.FIXED_CENTER] == 10
    assert kinds[UnitKind.URBAN_BRANCH] == 1
    assert kinds[UnitKind.FREE_INSTITUTE] == 275
    clusters = Counter(selectors.subtree(qazvin).filter(kind=UnitKind.FREE_INSTITUTE).values_list("cluster", flat=True))
    assert clusters["services"] == 165 and clusters["industry"] == 17
    assert set(clusters) == {"services", "industry", "ict", "lifestyle", "culture_art"}
    assert Trainer.objects.filter(home_unit__province=qazvin, employment=Trainer.Employment.OFFICIAL).count() == 64
    assert Workshop.objects.filter(unit__province=qazvin, is_fixed=True).count() == 64


def test_qazvin_trained_about_four_million_person_hours_in_1401(in_country) -> None:  # type: ignore[no-untyped-def]
    value = province_year_person_hours("IR-26", 1401)
    # Cross-check the one definition against a raw SQL sum over the same rows.
    first, last = jalali.year_bounds(1401)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT SUM(e.hours_attended) FROM training_enrollment e
               JOIN training_courserun r ON r.id = e.course_run_id JOIN org_unit u ON u.id = r.unit_id
               WHERE u.path LIKE %s AND r.end_date BETWEEN %s AND %s""",
            ["IR/IR-26/%", first, last],
        )
        assert cursor.fetchone()[0] == value
    assert 3_800_000 <= value <= 4_200_000


def test_east_azerbaijan_has_24_public_centers(in_country) -> None:  # type: ignore[no-untyped-def]
    ea = selectors.province_by_iso("IR-03")
    assert selectors.subtree(ea).filter(kind=UnitKind.FIXED_CENTER).count() == 24


def test_every_province_has_counties_centers_institutes_and_training_every_year(in_country) -> None:  # type: ignore[no-untyped-def]
    for province in Unit.objects.filter(kind=UnitKind.PROVINCE):
        kinds = Counter(selectors.subtree(province).values_list("kind", flat=True))
        assert kinds[UnitKind.COUNTY] >= 3, province.code
        assert kinds[UnitKind.FIXED_CENTER] >= 1 and kinds[UnitKind.FREE_INSTITUTE] >= 1, province.code
    for year in range(1400, 1405):
        first, last = jalali.year_bounds(year)
        provinces = set(CourseRun.objects.filter(end_date__range=(first, last)).values_list("unit__province__code", flat=True))
        assert len(provinces) == 31, year


def test_the_country_has_about_650_public_centers(in_country) -> None:  # type: ignore[no-untyped-def]
    public = Unit.objects.filter(kind__in=[UnitKind.FIXED_CENTER, UnitKind.URBAN_BRANCH]).count()
    assert 600 <= public <= 700  # DOMAIN.md: some 650 public centers, whatever the scale of the training


def test_national_proportions(in_country) -> None:  # type: ignore[no-untyped-def]
    rows = Enrollment.objects.exclude(course_run__unit__province__code__in=["IR-26", "IR-03"])
    private = person_hours(rows.filter(course_run__unit__kind=UnitKind.FREE_INSTITUTE))
    share = private / person_hours(rows)
    assert 0.55 < share < 0.72  # 187.1 of 297.9 million person-hours nationally: 63%
    women = Trainee.objects.filter(sex="F").count() / Trainee.objects.count()
    assert 0.35 < women < 0.65


def test_commitments_exist_for_every_year_at_province_and_unit_level(in_country) -> None:  # type: ignore[no-untyped-def]
    from maharat.plans.models import Commitment

    for year in range(1400, 1405):
        provinces = Commitment.objects.filter(year=year, unit__kind=UnitKind.PROVINCE, indicator="person_hours")
        assert provinces.values("unit").distinct().count() == 31, year
        assert Commitment.objects.filter(year=year, unit__kind=UnitKind.FIXED_CENTER).exists(), year
        assert Commitment.objects.filter(year=year, unit__kind=UnitKind.FREE_INSTITUTE, section="private").exists(), year


def test_national_scorecard_and_qazvin_against_its_commitment(in_country) -> None:  # type: ignore[no-untyped-def]
    from maharat.monitoring.selectors import scorecard

    national = scorecard(Unit.objects.get(code="IR"), 1401)
    assert len(national.rows) == 31
    assert {r.unit.code for r in national.rows} == set(Unit.objects.filter(kind="province").values_list("code", flat=True))
    qazvin = next(r for r in national.rows if r.unit.code == "IR-26")
    assert qazvin.commitment == pytest.approx(4_000_000, rel=0.001)  # the published target
    assert 3_800_000 <= qazvin.achieved <= 4_200_000
    assert qazvin.achieved == province_year_person_hours("IR-26", 1401)
    assert sorted(r.rank for r in national.rows if r.rank) == list(range(1, 32))
    drill = scorecard(Unit.objects.get(code="IR-26"), 1401)
    assert sum(r.achieved for r in drill.rows) == pytest.approx(qazvin.achieved)


def test_east_azerbaijan_evaluation_report_lists_its_24_centers(in_country) -> None:  # type: ignore[no-untyped-def]
    from maharat.monitoring.reports import evaluation_rows

    rows = evaluation_rows(Unit.objects.get(code="IR-03"), 1404, {})
    assert len(rows) == 24
    assert all(r["ph"].commitment is not None for r in rows)
    assert sum(1 for r in rows if r["ph"].achieved > 0) >= 20


def test_qazvin_annual_report_tells_the_published_story(in_country) -> None:  # type: ignore[no-untyped-def]
    from maharat.monitoring.reports import annual_report

    r = annual_report(Unit.objects.get(code="IR-26"), 1401)
    clusters = dict(r["clusters"])
    assert (r["fixed_centers"], r["urban_branches"], r["free_institutes"]) == (10, 1, 275)
    assert (clusters["services"], clusters["industry"]) == (165, 17)
    assert (r["official_trainers"], r["fixed_workshops"]) == (64, 64)
    assert 3_800_000 <= r["person_hours"].achieved <= 4_200_000


def test_the_demo_morning_has_follow_ups_and_an_inbox(in_country) -> None:  # type: ignore[no-untyped-def]
    """Every role meets the platform services on the first sign-in: Qazvin's follow-ups (one answered and
    waiting, one overdue and escalated to the province) and the inbox messages they raised."""
    from maharat.followup.models import FollowUp
    from maharat.notify.models import Notification

    # The services step's own four (the supervision visits' findings raise theirs, with the finding as source).
    items = FollowUp.objects.filter(source_type__isnull=True).select_related("owner_unit")
    assert items.count() == 4
    assert FollowUp.objects.filter(source_type__model="finding").exists()
    assert items.filter(status="submitted").count() == 1
    late = items.get(escalated_to__isnull=False)
    assert late.escalated_to.code == "IR-26" and late.owner_unit.kind == "free_institute"
    assert Notification.objects.filter(recipient__username="qazvin_manager", topic__startswith="followup").exists()
    assert Notification.objects.filter(recipient__username="center_head").count() >= 2
