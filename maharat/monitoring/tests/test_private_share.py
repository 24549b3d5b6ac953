"""The private share (issue 18): the free institutes' share of person-hours and of trainees, live at every level
against HQ's 80% commitment, on the scorecards, the unit page and the map.

Every figure is checked against an independent computation over the raw enrollments written here (a free
institute is private: org.models.PRIVATE_KINDS); expected commitments are written by hand."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from maharat.access.models import Account
from maharat.audit.models import AuditEntry
from maharat.common import jalali
from maharat.demo.builder import DemoBuilder
from maharat.factories import TODAY, CourseRunFactory, EnrollmentFactory, TraineeFactory, make_unit, today_is
from maharat.monitoring import handover
from maharat.monitoring.commitments import allocation, spread_by_last_year
from maharat.monitoring.selectors import monthly_series, scorecard
from maharat.org.models import PRIVATE_KINDS, Unit, UnitKind
from maharat.plans.models import Commitment
from maharat.plans.services import set_commitment
from maharat.training.models import Enrollment

pytestmark = pytest.mark.django_db
YEAR = 1404  # a finished year: every month counts
PROVINCES = ("IR-20", "IR-23")  # Semnan and Tehran, small: Tehran has a dozen free institutes at this scale


@pytest.fixture(scope="module")
def country(built_once):  # type: ignore[no-untyped-def]
    with today_is(TODAY), built_once(lambda: DemoBuilder(seed=11, scale=0.003, provinces=list(PROVINCES),
                                                         today=TODAY).build()):
        yield


def account(django_user_model, code: str, role: str):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(f"ps-{code}-{role}", password="private-share-pass-1")
    Account.objects.create(user=user, role=role, unit=Unit.objects.get(code=code))
    return user


# ------------------------------------------------------------------------------ the independent figures
def raw(year: int, until_month: int = 12) -> list[dict]:
    """Every enrollment whose course run ends in the year's months, with what the figures need."""
    first, _ = jalali.year_bounds(year)
    last = jalali.to_gregorian(year, until_month, jalali.month_length(year, until_month))
    return list(Enrollment.objects.filter(course_run__end_date__range=(first, last)).values(
        "trainee_id", "hours_attended", "course_run_id", "course_run__end_date", "course_run__unit__kind",
        "course_run__unit__path"))


def expected_shares(node: Unit, rows: list[dict]) -> tuple[float, float]:
    """(person-hours share, trainees share) in percent, from the raw rows alone.

    Person-hours: Σ hours at free institutes ÷ Σ hours, under the node. Trainees: each person once in the year,
    where their first course run of the year ends (earliest end date, then the run's id), anywhere in the
    country; counted under the node if that run's unit is, private if that unit is a free institute."""
    mine = [r for r in rows if r["course_run__unit__path"].startswith(node.path)]
    hours = sum(r["hours_attended"] for r in mine)
    private_hours = sum(r["hours_attended"] for r in mine if r["course_run__unit__kind"] in PRIVATE_KINDS)
    first: dict[int, dict] = {}
    for r in rows:
        key = (r["course_run__end_date"], r["course_run_id"])
        held = first.get(r["trainee_id"])
        if held is None or key < (held["course_run__end_date"], held["course_run_id"]):
            first[r["trainee_id"]] = r
    counted = [r for r in first.values() if r["course_run__unit__path"].startswith(node.path)]
    private_people = sum(1 for r in counted if r["course_run__unit__kind"] in PRIVATE_KINDS)
    return (100 * private_hours / hours if hours else 0.0, 100 * private_people / len(counted) if counted else 0.0)


def test_the_figures_equal_the_raw_enrollments_at_every_level(country) -> None:  # type: ignore[no-untyped-def]
    rows = raw(YEAR)
    tehran = Unit.objects.get(code="IR-23")
    county = Unit.objects.filter(parent=tehran, kind=UnitKind.COUNTY, children__kind=UnitKind.FREE_INSTITUTE).first()
    assert any(r["course_run__unit__kind"] == "free_institute" for r in rows), "the demo trains at free institutes"
    for node in (Unit.objects.get(code="IR"), tehran, Unit.objects.get(code="IR-20"), county):
        card = scorecard(node, YEAR, "private_share")
        hours_share, people_share = expected_shares(node, rows)
        assert card.total.achieved == pytest.approx(hours_share), node.code
        assert card.total.companion == pytest.approx(people_share), node.code
        for row in card.rows:  # and each row of its scorecard
            h, p = expected_shares(row.unit, rows)
            assert (row.achieved, row.companion) == (pytest.approx(h), pytest.approx(p)), row.unit.code
    assert 0 < expected_shares(tehran, rows)[0] < 100


def test_the_private_share_is_of_all_training_whatever_section_is_asked(country) -> None:  # type: ignore[no-untyped-def]
    hq = Unit.objects.get(code="IR")
    total = scorecard(hq, YEAR, "private_share", "total").total
    for section in ("public", "private"):
        card = scorecard(hq, YEAR, "private_share", section)
        assert card.section == "total"
        assert (card.total.achieved, card.total.companion) == (total.achieved, total.companion)


def test_hqs_80_percent_holds_at_every_level_unless_a_province_has_its_own(country, django_user_model) -> None:  # type: ignore[no-untyped-def]
    planner = account(django_user_model, "IR", "hq_planner")
    hq, tehran, semnan = (Unit.objects.get(code=c) for c in ("IR", "IR-23", "IR-20"))
    set_commitment(user=planner, unit=hq, year=YEAR, indicator="private_share", section="private", target=80)
    national = scorecard(hq, YEAR, "private_share")
    assert national.total.commitment == 80
    assert {r.unit.code: r.commitment for r in national.rows} == {p.code: 80 for p in Unit.objects.filter(kind="province")}
    row = next(r for r in national.rows if r.unit.code == "IR-23")
    # pace: achieved ÷ 80 × 100 (a share's target holds all year); the companion against the same 80
    assert row.pace == pytest.approx(row.achieved / 80 * 100)
    assert row.companion_percent == pytest.approx(row.companion / 80 * 100)
    # HQ gives Tehran a target of its own: Tehran and its counties hold 70, Semnan's counties still 80
    set_commitment(user=planner, unit=tehran, year=YEAR, indicator="private_share", section="private", target=70)
    province = scorecard(tehran, YEAR, "private_share")
    assert province.total.commitment == 70
    assert {r.commitment for r in province.rows if r.unit.kind == UnitKind.COUNTY} == {70}
    assert {r.commitment for r in scorecard(semnan, YEAR, "private_share").rows if r.unit.kind == UnitKind.COUNTY} == {80}
    county = next(r.unit for r in province.rows if r.unit.kind == UnitKind.COUNTY)
    card = scorecard(county, YEAR, "private_share")
    assert card.total.commitment == 70
    # a training unit is wholly public or wholly private: it is not held to the mix's target
    assert {r.commitment for r in card.rows} == {None}
    assert {r.achieved for r in card.rows} <= {0.0, 100.0}
    # the unit page's target line is the share itself, every month
    assert monthly_series(tehran, YEAR, "private_share")["target_line"] == [70.0] * 12
    # a new county holds nothing of its own: it inherits the share's target, never a sum's
    new_county = make_unit(UnitKind.COUNTY, parent=tehran)
    assert scorecard(new_county, YEAR, "private_share", children=[]).total.commitment == 70
    assert scorecard(new_county, YEAR, "person_hours", children=[]).total.commitment is None


def test_only_hq_sets_the_national_target(country, django_user_model) -> None:  # type: ignore[no-untyped-def]
    hq, semnan = Unit.objects.get(code="IR"), Unit.objects.get(code="IR-20")
    Commitment.objects.filter(indicator="private_share").delete()  # whatever the demo set: start from none
    manager = account(django_user_model, "IR-20", "provincial_manager")
    for user in (manager, account(django_user_model, "IR", "hq_viewer"),
                 account(django_user_model, "IR-20", "provincial_expert")):
        for target in (hq, semnan):  # HQ's own, and the province's own (a commitment belongs to the parent)
            with pytest.raises(PermissionDenied):
                set_commitment(user=user, unit=target, year=YEAR, indicator="private_share", section="private", target=80)
    assert not Commitment.objects.filter(indicator="private_share", year=YEAR).exists()
    county = Unit.objects.filter(parent=semnan, kind=UnitKind.COUNTY).first()
    set_commitment(user=manager, unit=county, year=YEAR, indicator="private_share", section="private", target=75)
    assert scorecard(semnan, YEAR, "private_share").total.commitment is None  # nothing above: no target
    assert next(r for r in scorecard(semnan, YEAR, "private_share").rows if r.unit == county).commitment == 75


def test_spreading_a_share_gives_every_province_the_same_target_audited(country, django_user_model) -> None:  # type: ignore[no-untyped-def]
    planner = account(django_user_model, "IR", "hq_planner")
    hq = Unit.objects.get(code="IR")
    set_commitment(user=planner, unit=hq, year=YEAR, indicator="private_share", section="private", target=80)
    before = AuditEntry.objects.count()
    parts = spread_by_last_year(user=planner, parent=hq, year=YEAR, indicator="private_share", section="private")
    assert len(parts) == 31 and set(parts.values()) == {Decimal(80)}  # not 80 split 31 ways
    assert set(Commitment.objects.filter(unit__kind="province", year=YEAR, indicator="private_share")
               .values_list("target", flat=True)) == {Decimal(80)}
    assert AuditEntry.objects.count() - before == 31
    row = next(r for r in allocation(hq, YEAR) if r["commitment"].indicator == "private_share")
    assert (row["status"], row["gap"], row["children_total"], row.get("share")) == ("balanced", 0, Decimal(80), True)


def test_a_new_enrollment_at_an_institute_moves_the_share_at_once(country) -> None:  # type: ignore[no-untyped-def]
    this_year, month = jalali.from_gregorian(TODAY).year, jalali.from_gregorian(TODAY).month
    tehran = Unit.objects.get(code="IR-23")
    county = Unit.objects.filter(parent=tehran, kind=UnitKind.COUNTY).first()
    institute = make_unit(UnitKind.FREE_INSTITUTE, parent=county, cluster="industry")
    run = CourseRunFactory(unit=institute, hours=100)  # ends today: counts this month
    before = scorecard(tehran, this_year, "private_share").total
    for _ in range(3):
        EnrollmentFactory(course_run=run, trainee=TraineeFactory(registered_unit=institute), hours_attended=90)
    after = scorecard(tehran, this_year, "private_share").total
    hours_share, people_share = expected_shares(tehran, raw(this_year, month))
    assert (after.achieved, after.companion) == (pytest.approx(hours_share), pytest.approx(people_share))
    assert after.achieved > before.achieved and after.companion > before.companion


def test_the_demo_sets_hqs_target_for_each_year(country) -> None:  # type: ignore[no-untyped-def]
    rows = handover.hq_commitments([1403, 1404])
    assert [(c.unit.code, c.year, c.indicator, c.section, c.target) for c in rows] == [
        ("IR", 1403, "private_share", "private", Decimal(80)), ("IR", 1404, "private_share", "private", Decimal(80))]


# ------------------------------------------------------------------------------------------ the pages
def test_the_national_scorecard_the_map_and_the_unit_page_show_it(country, client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    planner = account(django_user_model, "IR", "hq_planner")
    set_commitment(user=planner, unit=Unit.objects.get(code="IR"), year=YEAR, indicator="private_share",
                   section="private", target=80)
    client.force_login(planner)
    rows = raw(YEAR)
    tehran_hours, tehran_people = expected_shares(Unit.objects.get(code="IR-23"), rows)
    page = client.get(reverse("monitoring_home"), {"year": YEAR, "indicator": "private_share"})
    html = page.content.decode()
    assert 'data-testid="companion-head"' in html and "سهم بخش خصوصی از کارآموزان" in html
    assert html.count('data-testid="companion"') == 32  # 31 provinces and the total
    tehran = next(r for r in page.context["card"].rows if r.unit.code == "IR-23")
    assert tehran.commitment == 80 and tehran.achieved == pytest.approx(tehran_hours)
    shown = f"{tehran_people:,.1f}".replace(",", "٬").replace(".", "٫").translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert f"{shown}٪" in html
    assert "٪ تعهد)" in html  # the companion's achievement of the 80
    exported = list(csv.reader(io.StringIO(client.get(reverse("monitoring_home"), {
        "year": YEAR, "indicator": "private_share", "format": "csv"}).content.decode("utf-8-sig"))))
    assert exported[0][-2:] == ["سهم بخش خصوصی از کارآموزان", "درصد تحقق (سهم بخش خصوصی از کارآموزان)"]
    line = next(r for r in exported if r[2:3] == ["IR-23"])
    assert float(line[3]) == 80 and float(line[-2]) == pytest.approx(round(tehran_people, 1))
    the_map = client.get(reverse("monitoring_map"), {"year": YEAR, "indicator": "private_share"})
    shapes = {s["name"]: s for s in the_map.context["shapes"]}
    assert shapes["تهران"]["row"].commitment == 80 and shapes["تهران"]["fill"] != "#d6d8db"
    assert 'data-testid="companion"' in the_map.content.decode()
    unit_page = client.get(reverse("monitoring_unit", args=["IR-23"]), {"year": YEAR}).content.decode()
    assert "کارآموزان: " in unit_page


def test_the_english_scorecard_has_no_persian_in_the_private_share(country, client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    planner = account(django_user_model, "IR", "hq_planner")
    set_commitment(user=planner, unit=Unit.objects.get(code="IR"), year=YEAR, indicator="private_share",
                   section="private", target=80)
    client.force_login(planner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch's cookie
    html = client.get(reverse("monitoring_home"), {"year": YEAR, "indicator": "private_share"}).content.decode()
    head = html[html.index('data-testid="companion-head"'):]
    head = head[:head.index("</th>")]
    assert "Private sector share of trainees" in head
    cells = [c[:c.index("</td>")] for c in html.split('data-testid="companion">')[1:]]
    assert cells and not any("\u0600" <= ch <= "\u06ff" for cell in cells for ch in cell)
    assert any("of commitment" in c for c in cells)


def test_every_province_adds_up_to_the_nation(country) -> None:  # type: ignore[no-untyped-def]
    """Private trainees are additive (each person once, where first trained): provinces sum to the nation."""
    from maharat.monitoring.selectors import node_measures

    provinces = list(Unit.objects.filter(kind="province").values_list("pk", flat=True))
    hq = Unit.objects.get(code="IR")
    measures = node_measures([*provinces, hq.pk], YEAR)
    total = defaultdict(float)
    for pk in provinces:
        for key in ("private_trainees", "trainees", "private_person_hours", "person_hours"):
            total[key] += measures[pk][key]
    for key, value in total.items():
        assert measures[hq.pk][key] == value, key


def test_the_early_warning_lists_areas_behind_the_80_percent(country, django_user_model) -> None:  # type: ignore[no-untyped-def]
    from maharat.monitoring.warnings import behind_units

    planner = account(django_user_model, "IR", "hq_planner")
    hq, tehran = Unit.objects.get(code="IR"), Unit.objects.get(code="IR-23")
    set_commitment(user=planner, unit=hq, year=YEAR, indicator="private_share", section="private", target=80)
    rows = raw(YEAR)
    behind = {b.unit_id: b for b in behind_units(hq, YEAR, "private_share", "private", margin=0)}
    hours_share = expected_shares(tehran, rows)[0]
    assert hours_share < 80
    assert behind[tehran.pk].commitment == 80
    assert behind[tehran.pk].behind == pytest.approx(100 - hours_share / 80 * 100)
    areas = set(Unit.objects.filter(kind__in=("province", "county")).values_list("pk", flat=True))
    assert set(behind) <= areas  # no training unit is held to the mix's target
    counties = Unit.objects.filter(parent=tehran, kind="county")
    for county in counties:
        share = expected_shares(county, rows)[0]
        assert (county.pk in behind) == (share < 80), county.code


def test_the_national_private_share_reads_summaries_only(country, django_user_model) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    planner = account(django_user_model, "IR", "hq_planner")
    set_commitment(user=planner, unit=Unit.objects.get(code="IR"), year=YEAR, indicator="private_share",
                   section="private", target=80)
    county = Unit.objects.filter(province__code="IR-23", kind=UnitKind.COUNTY).first()
    for node, most in ((Unit.objects.get(code="IR"), 6), (county, 7)):
        with CaptureQueriesContext(connection) as ctx:
            card = scorecard(node, YEAR, "private_share")
        assert card.total.commitment == 80
        assert len(ctx.captured_queries) <= most, [q["sql"] for q in ctx.captured_queries]
        assert not any("training_enrollment" in q["sql"] for q in ctx.captured_queries)
