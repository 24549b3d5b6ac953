"""One number per figure (issue 15): this year's person-hours, trainees and commitments are the same on the
home page, the scorecard page and its export, the reports and the API, and equal an independent GROUP BY
over the raw records with the stated period (a course counts in the month it ends; the running year up to
the end of the current month)."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection

from maharat.access.models import Account
from maharat.common import jalali
from maharat.demo.builder import DemoBuilder
from maharat.factories import TODAY, CourseRunFactory, EnrollmentFactory, TraineeFactory, make_unit, today_is
from maharat.monitoring import selectors
from maharat.monitoring.commitments import allocation
from maharat.monitoring.reports import annual_report, evaluation_rows
from maharat.org.models import Unit, UnitKind
from maharat.plans.models import Commitment

pytestmark = pytest.mark.django_db
YEAR = jalali.from_gregorian(TODAY).year  # 1405, running: up to Azar
MONTH = jalali.from_gregorian(TODAY).month


@pytest.fixture(scope="module")
def country(built_once):  # type: ignore[no-untyped-def]
    with today_is(TODAY), built_once(lambda: DemoBuilder(seed=7, scale=0.003, provinces=["IR-20"], today=TODAY).build()):
        yield


def raw_person_hours(unit: Unit, year: int = YEAR, until_month: int = MONTH, sector: str | None = None) -> int:
    """The independent figure: plain SQL over the raw enrollments, by the materialised path and end dates."""
    first, _ = jalali.year_bounds(year)
    last = jalali.to_gregorian(year, until_month, jalali.month_length(year, until_month))
    kind = ""
    if sector == "public":
        kind = " AND u.kind <> 'free_institute'"
    elif sector == "private":
        kind = " AND u.kind = 'free_institute'"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(e.hours_attended), 0) FROM training_enrollment e "
            "JOIN training_courserun r ON r.id = e.course_run_id JOIN org_unit u ON u.id = r.unit_id "
            f"WHERE u.path LIKE %s AND r.end_date BETWEEN %s AND %s{kind}", [unit.path + "%", first, last])
        return int(cursor.fetchone()[0])


def login(client, django_user_model, unit: Unit, role: str):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(f"one-{unit.code}-{role}", password="one-number-pass-1")
    Account.objects.create(user=user, role=role, unit=unit)
    client.force_login(user)
    return user


def home_figure(client) -> int:  # type: ignore[no-untyped-def]
    response = client.get("/")
    stats = {str(label): value for label, value in response.context["stats"]}
    assert "پایان" in response.context["period"]
    return int(stats["نفر ساعت امسال"])


def test_this_years_person_hours_are_one_number_everywhere(country, client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    hq, semnan = Unit.objects.get(code="IR"), Unit.objects.get(code="IR-20")
    center = Unit.objects.filter(province=semnan, kind=UnitKind.FIXED_CENTER).order_by("code").first()
    whole = raw_person_hours(semnan, until_month=12)
    expected = raw_person_hours(semnan)
    assert whole > expected > 0, "the demo has courses still running that end after this month: the case of the bug"

    login(client, django_user_model, hq, "hq_planner")
    assert home_figure(client) == raw_person_hours(hq)
    page = client.get(f"/monitoring/IR/?year={YEAR}")
    card = page.context["card"]
    assert int(card.total.achieved) == raw_person_hours(hq)
    assert int(next(r for r in card.rows if r.unit.code == "IR-20").achieved) == expected
    assert "تا پایان" in page.content.decode() or "پایان" in page.context["period"]
    rows = list(csv.reader(io.StringIO(client.get(f"/monitoring/IR/?year={YEAR}&format=csv").content.decode("utf-8-sig"))))
    assert int(float(next(r for r in rows if r[2:3] == ["IR-20"])[4])) == expected
    api = client.get("/api/v1/scorecard/", {"year": YEAR, "unit": "IR"}).json()
    assert int(next(r for r in api["rows"] if r["unit"] == "IR-20")["achieved"]) == expected
    assert int(api["total"]["achieved"]) == raw_person_hours(hq)
    assert api["until_month"] == MONTH and api["period"]
    assert int(annual_report(semnan, YEAR)["person_hours"].achieved) == expected
    client.logout()

    login(client, django_user_model, semnan, "provincial_manager")
    assert home_figure(client) == expected
    assert int(client.get(f"/monitoring/IR-20/?year={YEAR}").context["card"].total.achieved) == expected
    client.logout()

    login(client, django_user_model, center, "center_head")
    center_figure = raw_person_hours(center)
    assert home_figure(client) == center_figure
    public = {r["unit"].pk: r for r in evaluation_rows(semnan, YEAR, {})}
    assert int(public[center.pk]["ph"].achieved) == raw_person_hours(center, sector="public")
    # Past years: the whole year, everywhere.
    assert int(selectors.year_measures([semnan.pk], YEAR - 1)[semnan.pk]["person_hours"]) == raw_person_hours(semnan, YEAR - 1, 12)


def test_a_course_running_past_this_month_counts_when_it_ends(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    center = make_unit(UnitKind.FIXED_CENTER)
    first_day = jalali.to_gregorian(YEAR, MONTH, 1)
    ended = CourseRunFactory(unit=center, hours=40, start_date=first_day - __import__("datetime").timedelta(days=60),
                             end_date=first_day)
    running = CourseRunFactory(unit=center, hours=90, start_date=first_day,
                               end_date=jalali.to_gregorian(YEAR, MONTH + 1, 20))
    for run, hours in ((ended, 40), (running, 30)):
        EnrollmentFactory(course_run=run, trainee=TraineeFactory(registered_unit=center), hours_attended=hours)
    login(client, django_user_model, center, "center_head")
    assert home_figure(client) == 40 == int(selectors.scorecard(center, YEAR, children=[]).total.achieved)


def test_the_remark_and_the_colour_of_a_deviation_follow_one_rule(user) -> None:  # type: ignore[no-untyped-def]
    """Mid-year, a center ahead of pace but below its whole year's commitment: "ahead of schedule", in green,
    with a positive deviation (it was "above commitment" beside a red negative number)."""
    from maharat.plans import services

    province = Unit.objects.get(code="IR-26")
    center = make_unit(UnitKind.FIXED_CENTER, parent=make_unit(UnitKind.COUNTY, parent=province))
    run = CourseRunFactory(unit=center, hours=100, start_date=jalali.to_gregorian(YEAR, 2, 1),
                           end_date=jalali.to_gregorian(YEAR, 3, 1))
    for _ in range(8):
        EnrollmentFactory(course_run=run, trainee=TraineeFactory(registered_unit=center), hours_attended=100)
    services.set_commitment(user=user, unit=center, year=YEAR, indicator="person_hours", section="public", target=1000)
    row = next(r for r in evaluation_rows(province, YEAR, {}) if r["unit"].pk == center.pk)
    ph = row["ph"]
    assert ph.achieved == 800 < ph.commitment and ph.pace > 100
    assert row["ph_gap"] == pytest.approx(800 - ph.expected) and row["ph_gap"] > 0
    assert (row["remark"], ph.standing.css) == ("جلوتر از برنامه", "pos")
    services.set_commitment(user=user, unit=center, year=YEAR, indicator="person_hours", section="public", target=700)
    row = next(r for r in evaluation_rows(province, YEAR, {}) if r["unit"].pk == center.pk)
    assert (row["remark"], row["ph"].standing.css) == ("بیش از تعهد", "pos")
    services.set_commitment(user=user, unit=center, year=YEAR, indicator="person_hours", section="public", target=5000)
    row = next(r for r in evaluation_rows(province, YEAR, {}) if r["unit"].pk == center.pk)
    assert row["ph_gap"] < 0 and row["ph"].standing.css == "neg" and row["remark"].startswith("عقب از برنامه")


def test_hq_commitments_page_shows_what_it_handed_to_the_provinces(user, client_in) -> None:  # type: ignore[no-untyped-def]
    from maharat.plans import services

    hq = Unit.objects.get(code="IR")
    for code, target in (("IR-26", 4_000_000), ("IR-20", 1_500_000)):
        services.set_commitment(user=user, unit=Unit.objects.get(code=code), year=YEAR, indicator="person_hours",
                                section="public", target=target)
    # HQ sets no person-hours of its own (only the 80% hand-over share, which every area inherits).
    assert not Commitment.objects.filter(unit=hq, year=YEAR, indicator="person_hours").exists()
    rows = allocation(hq, YEAR)
    handed = [r for r in rows if r.get("handed") and (r["commitment"].indicator, r["commitment"].section) == ("person_hours", "public")]
    assert [(r["commitment"].indicator, r["commitment"].section, int(r["children_total"])) for r in handed] == [
        ("person_hours", "public", 5_500_000)]
    html = client_in.get(f"/commitments/IR/?year={YEAR}").content.decode()
    assert "تعهدی ثبت نشده" not in html and 'data-testid="handed"' in html
    card = selectors.scorecard(hq, YEAR, "person_hours", "public")
    assert card.total.commitment == 5_500_000 == int(handed[0]["commitment"].target)
