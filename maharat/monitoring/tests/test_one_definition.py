"""One home for each rule (issue 14): the sector of a unit, the section mapping, and what "the trainers" and
"the workshops" are. Each place that uses a rule is checked against one independent computation written out
here by hand or in plain SQL over the raw records, so a copy that drifts fails."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from maharat.access.models import Account
from maharat.factories import (
    CourseRunFactory,
    EnrollmentFactory,
    TraineeFactory,
    TrainerFactory,
    WorkshopFactory,
    make_unit,
)
from maharat.monitoring import selectors, summaries, verify
from maharat.monitoring.management.commands.scorecard import Command as ScorecardCommand
from maharat.monitoring.models import Fact, GroupFact, TraineeYear, UnitMonth
from maharat.monitoring.reports import annual_report
from maharat.monitoring.views import SECTION_LABELS
from maharat.org.models import Unit, UnitKind, sector_of, sector_sql
from maharat.people.models import TargetGroup
from maharat.plans import models as plans
from maharat.plans import services as plan_services
from maharat.training.selectors import unit_counts

pytestmark = pytest.mark.django_db

# ------------------------------------------------------------------------------------ 1. the sector rule


def by_hand(kind: str) -> str:
    return "private" if kind == "free_institute" else "public"


def test_every_copy_of_the_sector_rule_agrees_for_every_kind_of_unit() -> None:
    with connection.cursor() as cursor:
        for kind in UnitKind.values:
            cursor.execute(f"SELECT {sector_sql('x.kind')} FROM (SELECT %s AS kind) x", [kind])
            in_sql = cursor.fetchone()[0]
            assert sector_of(kind) == Unit(kind=kind).sector == in_sql == summaries_sector(kind) == by_hand(kind), kind


def summaries_sector(kind: str) -> str:
    """The summary tables' own SQL expression, over a unit of this kind."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {summaries.SECTOR_SQL} FROM (SELECT %s AS kind) u", [kind])
        return cursor.fetchone()[0]


def test_the_summary_tables_file_each_unit_under_its_sector() -> None:
    center, institute = make_unit(UnitKind.FIXED_CENTER), make_unit(UnitKind.FREE_INSTITUTE)
    for unit in (center, institute):
        run = CourseRunFactory(unit=unit, hours=40)
        EnrollmentFactory(course_run=run, trainee=TraineeFactory(registered_unit=center), hours_attended=40)
    summaries.rebuild()
    filed = set(UnitMonth.objects.values_list("unit__kind", "sector"))
    assert filed == {(k, by_hand(k)) for k in ("fixed_center", "free_institute")}
    assert set(TraineeYear.objects.values_list("unit__kind", "sector")) == filed
    assert {(k, by_hand(k)) for k, _ in Fact.objects.values_list("unit__kind", "sector")} == filed


SECTION_BY_HAND = {  # (kind, section) -> does the section's commitment go to a unit of this kind?
    **{(k, s): True for k in ("county", "province") for s in ("public", "private", "exec_research")},
    **{("free_institute", s): s == "private" for s in ("public", "private", "exec_research")},
}


def test_section_applies_follows_the_sector_rule_for_every_kind_and_section() -> None:
    for kind in UnitKind.values:
        for section in plans.Section.values:
            expected = SECTION_BY_HAND.get((kind, section), section != "private")
            unit = Unit(kind=kind)
            assert plans.section_applies(unit, section) is expected, (kind, section)


# ---------------------------------------------------------------------------------- 2. the section mapping

SECTORS_BY_HAND = {"total": ("public", "private"), "public": ("public",), "private": ("private",)}
COMMITMENTS_BY_HAND = {"total": ("public", "private"), "public": ("public",), "private": ("private",)}


def test_the_section_mapping_is_one_table() -> None:
    assert plans.SCORECARD_SECTIONS == tuple(SECTORS_BY_HAND) == tuple(SECTION_LABELS)
    for section in plans.SCORECARD_SECTIONS:
        assert plans.sectors_of(section) == selectors._sectors(section) == SECTORS_BY_HAND[section]
        assert plans.commitment_sections(section) == COMMITMENTS_BY_HAND[section]
    assert plans.sectors_of("exec_research") == ("public",)
    parser = ScorecardCommand().create_parser("maharat", "scorecard")
    section_action = next(a for a in parser._actions if a.dest == "section")
    assert tuple(section_action.choices) == plans.SCORECARD_SECTIONS


def test_a_scorecards_total_is_its_public_and_private_sections(user) -> None:  # type: ignore[no-untyped-def]
    center, institute = make_unit(UnitKind.FIXED_CENTER), make_unit(UnitKind.FREE_INSTITUTE)
    for unit, hours in ((center, 30), (institute, 12)):
        run = CourseRunFactory(unit=unit, hours=hours)
        EnrollmentFactory(course_run=run, trainee=TraineeFactory(registered_unit=center), hours_attended=hours)
    year = __import__("maharat.common.jalali", fromlist=["x"]).from_gregorian(run.end_date).year
    qazvin = Unit.objects.get(code="IR-26")
    for section, target in (("public", 100), ("private", 50)):
        plan_services.set_commitment(user=user, unit=qazvin, year=year, indicator="person_hours", section=section,
                                     target=target)
    cards = {s: selectors.scorecard(qazvin, year, "person_hours", s, children=[]).total for s in SECTORS_BY_HAND}
    assert (cards["public"].achieved, cards["private"].achieved, cards["total"].achieved) == (30, 12, 42)
    assert (cards["public"].commitment, cards["private"].commitment, cards["total"].commitment) == (100, 50, 150)


# ------------------------------------------------------------------------ 3. the trainers and the workshops

def raw_count(table: str, unit_column: str, unit: Unit, value: str = "COUNT(*)", **equal: object) -> int:
    """The independent count: plain SQL over the raw records, active ones, by the materialised path."""
    extra = "".join(f" AND x.{column} = %s" for column in equal)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {value} FROM {table} x JOIN org_unit u ON u.id = x.{unit_column} "
                       f"WHERE x.is_active = %s AND u.path LIKE %s{extra}", [True, unit.path + "%", *equal.values()])
        return int(cursor.fetchone()[0] or 0)


@pytest.fixture
def staffed() -> dict[str, Unit]:
    """Trainers and workshops active and not, at every level: at centers, at an institute, at a county and
    at the province directorate itself, and in another province."""
    qazvin = Unit.objects.get(code="IR-26")
    c1, c2 = make_unit(UnitKind.COUNTY, name="یک"), make_unit(UnitKind.COUNTY, name="دو")
    center, institute = make_unit(UnitKind.FIXED_CENTER, parent=c1), make_unit(UnitKind.FREE_INSTITUTE, parent=c2)
    semnan = Unit.objects.get(code="IR-20")
    elsewhere = make_unit(UnitKind.FIXED_CENTER, parent=make_unit(UnitKind.COUNTY, parent=semnan))
    for unit, active, inactive in ((center, 3, 2), (institute, 2, 1), (c2, 1, 1), (qazvin, 2, 1), (elsewhere, 4, 1)):
        for i in range(active + inactive):
            TrainerFactory(home_unit=unit, is_active=i < active, employment=("official", "contract")[i % 2])
    for n, (unit, fixed, seats, active) in enumerate(((center, True, 16, True), (center, True, 10, False),
                                                     (center, False, 8, True), (institute, True, 12, True),
                                                     (qazvin, True, 20, True), (elsewhere, True, 30, True))):
        WorkshopFactory(unit=unit, code=f"W-{n}", is_fixed=fixed, seats=seats, is_active=active)
    return {"IR": Unit.objects.get(code="IR"), "IR-26": qazvin, "c1": c1, "c2": c2, "center": center,
            "institute": institute}


def home_stats(client, django_user_model, unit: Unit) -> dict[str, int]:  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(f"home-{unit.code}", password="home-page-pass-1")
    Account.objects.create(user=user, role="hq_planner" if unit.code == "IR" else "provincial_manager", unit=unit)
    client.force_login(user)
    response = client.get("/")
    client.logout()
    return {str(label): value for label, value in response.context["stats"]}


def test_home_and_monitoring_count_the_same_active_trainers_and_workshops(staffed, client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    progress = selectors.Progress.of(1400)  # a past year: capacity is the whole year's
    hours = 1760 * progress.until_month / 12
    for unit in staffed.values():
        trainers = raw_count("people_trainer", "home_unit_id", unit)
        workshops = raw_count("training_workshop", "unit_id", unit)
        seats = raw_count("training_workshop", "unit_id", unit, "SUM(x.seats)")
        counts = unit_counts(unit)
        resources = selectors.resources([unit], progress)[unit.pk]
        assert (counts["trainers"], counts["workshops"]) == (trainers, workshops), unit.code
        assert (resources["trainers"], resources["workshop_capacity"]) == (trainers, seats * hours), unit.code
    # Rows of a scorecard come in groups (all provinces, a province's counties): grouped queries, same counts.
    for group in (list(Unit.objects.filter(kind=UnitKind.PROVINCE)), [staffed["c1"], staffed["c2"]]):
        grouped = selectors.resources(group, progress)
        for unit in group:
            assert grouped[unit.pk]["trainers"] == raw_count("people_trainer", "home_unit_id", unit), unit.code
    assert (raw_count("people_trainer", "home_unit_id", staffed["IR-26"]),
            raw_count("training_workshop", "unit_id", staffed["IR-26"])) == (8, 4)  # the fixture's own arithmetic
    for code in ("IR", "IR-26"):
        unit = staffed[code]
        stats = home_stats(client, django_user_model, unit)
        assert stats["مربی"] == raw_count("people_trainer", "home_unit_id", unit), code
        assert stats["کارگاه"] == raw_count("training_workshop", "unit_id", unit), code
    annual = annual_report(staffed["IR-26"], 1400)
    assert annual["official_trainers"] + annual["contract_trainers"] == 8
    assert annual["official_trainers"] == raw_count("people_trainer", "home_unit_id", staffed["IR-26"],
                                                    employment="official")
    assert annual["fixed_workshops"] == raw_count("training_workshop", "unit_id", staffed["IR-26"], is_fixed=True) == 3


# ------------------------------------------------------------ 4. the breakdown tables: one INSERT … SELECT

def test_rebuild_refresh_and_check_write_the_same_breakdowns() -> None:
    center, institute = make_unit(UnitKind.FIXED_CENTER), make_unit(UnitKind.FREE_INSTITUTE)
    groups = list(TargetGroup.objects.order_by("pk")[:2])
    for n, unit in enumerate((center, institute, center)):
        run = CourseRunFactory(unit=unit, hours=20 + n, start_date=dt.date(2024, 4, 1), end_date=dt.date(2024, 5, 10 + n))
        for i in range(3):
            trainee = TraineeFactory(registered_unit=center, sex="FM"[i % 2])
            trainee.target_groups.set(groups[: i % 3])
            EnrollmentFactory(course_run=run, trainee=trainee, hours_attended=run.hours - i)

    def rows() -> tuple[list[tuple], list[tuple]]:
        facts = sorted(Fact.objects.values_list("unit_id", "year", "month", "sector", "sex", "mode", "cluster",
                                                "residence", "decile_band", "enrollments", "completed", "person_hours"))
        group_facts = sorted(GroupFact.objects.values_list("unit_id", "year", "month", "group_id", "enrollments",
                                                           "person_hours"))
        return facts, group_facts

    incremental = rows()  # written by the signals' refresh, slice by slice
    summaries.rebuild()
    assert rows() == incremental and incremental[0] and incremental[1]
    assert verify.check().ok
    Fact.objects.filter(pk=Fact.objects.order_by("pk").first().pk).update(enrollments=999)
    report = verify.check(repair=True)
    assert report.counts["fact"] == 1 and report.counts["group_fact"] == 0
    assert rows() == incremental and verify.check().ok
