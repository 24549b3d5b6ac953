"""Fields against demand (issue 18): per cluster, the free institutes' supply beside the public centers' figures
and the demand the platform knows, the index of imbalance by component, the ranked advice, the areas ranked;
its exports; who may see it; its digits in both languages.

Expected figures come from the raw records (units, workshops, course runs, enrollments) through a second,
independent implementation of the formula of docs/fields.md written here; permissions are written by hand."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from maharat.access.models import Account
from maharat.catalog.models import Cluster
from maharat.common import jalali
from maharat.demo.builder import DemoBuilder
from maharat.factories import TODAY, make_unit, today_is
from maharat.kit import inputs
from maharat.monitoring.fields import imbalance, scope
from maharat.monitoring.fields.selectors import fields
from maharat.org.models import PRIVATE_KINDS, Unit, UnitKind
from maharat.training.models import CourseRun, Enrollment, Workshop

pytestmark = pytest.mark.django_db
YEAR = 1404
CLUSTERS = [c.value for c in Cluster]


@pytest.fixture(scope="module")
def country(built_once):  # type: ignore[no-untyped-def]
    """Qazvin (built at its published size: 275 institutes, 165 services and 17 industry) and Semnan."""
    with today_is(TODAY), built_once(lambda: DemoBuilder(seed=3, scale=0.003, provinces=["IR-26", "IR-20"],
                                                         today=TODAY).build()):
        yield


def login(client, django_user_model, code: str, role: str):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(f"f-{code}-{role}", password="fields-pass-12345")
    Account.objects.create(user=user, role=role, unit=Unit.objects.get(code=code))
    client.force_login(user)
    return user


# ------------------------------------------------------------------------------ the independent figures
def expected(node: Unit, year: int = YEAR) -> dict[str, dict[str, float]]:
    """Per cluster, from the raw records alone: institutes, the institutes' seats and person-hours, the public
    units' seats and person-hours, enrollments (both sectors), seats offered by the course runs; then the
    shares, S, D and I as docs/fields.md writes them."""
    first, last = jalali.year_bounds(year)
    private = set(PRIVATE_KINDS)
    out: dict[str, dict[str, float]] = {c: defaultdict(float) for c in CLUSTERS}  # type: ignore[misc]
    for cluster in Unit.objects.filter(kind="free_institute", is_active=True, path__startswith=node.path).values_list(
            "cluster", flat=True):
        out[cluster]["institutes"] += 1
    for cluster, kind, seats in Workshop.objects.filter(is_active=True, unit__path__startswith=node.path).values_list(
            "cluster", "unit__kind", "seats"):
        out[cluster]["private_seats" if kind in private else "public_seats"] += seats
    for cluster, kind, hours in Enrollment.objects.filter(
            course_run__unit__path__startswith=node.path, course_run__end_date__range=(first, last)).values_list(
            "course_run__standard__cluster", "course_run__unit__kind", "hours_attended"):
        out[cluster]["private_ph" if kind in private else "public_ph"] += hours
        out[cluster]["enrollments"] += 1
    for cluster, capacity in CourseRun.objects.filter(unit__path__startswith=node.path,
                                                      end_date__range=(first, last)).values_list(
            "standard__cluster", "capacity"):
        out[cluster]["offered"] += capacity

    def share(key: str) -> dict[str, float] | None:
        total = sum(out[c][key] for c in CLUSTERS)
        return {c: 100 * out[c][key] / total for c in CLUSTERS} if total else None

    supply = [s for s in (share("institutes"), share("private_seats"), share("private_ph")) if s]
    demand = share("enrollments")
    for c in CLUSTERS:
        out[c]["S"] = sum(s[c] for s in supply) / len(supply) if supply else 0.0
        out[c]["D"] = demand[c] if demand else float("nan")
        out[c]["I"] = out[c]["S"] - out[c]["D"]
    return out


def test_the_formula_by_hand() -> None:
    """Two clusters: institutes 3 : 1 (75 %, 25 %), person-hours 600 : 400 (60 %, 40 %), no seats; demand 50 : 50.
    S = (75 + 60) / 2 = 67.5 and (25 + 40) / 2 = 32.5; I = +17.5 and −17.5; DI = (17.5 + 17.5) / 2 = 17.5."""
    clusters = ["services", "industry"]
    b = imbalance.balance({"institutes": {"services": 3, "industry": 1}, "seats": {},
                           "person_hours": {"services": 600, "industry": 400}},
                          {"applicants_by_cluster": {"services": 50, "industry": 50}, "waiting_by_cluster": {}},
                          clusters)
    assert b.supply == {"services": 67.5, "industry": 32.5}
    assert b.supply_parts["seats"] is None and b.demand_parts["waiting_by_cluster"] is None
    assert (b.index("services"), b.index("industry"), b.dissimilarity) == (17.5, -17.5, 17.5)
    assert (b.advice("services"), b.advice("industry")) == ("hold", "encourage")
    assert b.ranked() == ["industry", "services"]
    # a waiting list of 0 : 100 joins the demand: D = (50 + 0) / 2 = 25 and (50 + 100) / 2 = 75
    b = imbalance.balance({"institutes": {"services": 3, "industry": 1}}, {
        "applicants_by_cluster": {"services": 50, "industry": 50}, "waiting_by_cluster": {"industry": 100}}, clusters)
    assert b.demand == {"services": 25.0, "industry": 75.0} and b.index("services") == 50.0
    # within the threshold (5 points) either way: balanced; no demand at all: nothing can be said
    assert [imbalance.advice_for(x) for x in (4.99, -4.99, 5.0, -5.0, None)] == [
        "balanced", "balanced", "hold", "encourage", "unknown"]
    empty = imbalance.balance({"institutes": {"services": 1}}, {"applicants_by_cluster": {}}, clusters)
    assert empty.demand is None and empty.index("services") is None and empty.dissimilarity is None


def test_every_figure_equals_the_raw_records(country) -> None:  # type: ignore[no-untyped-def]
    qazvin = Unit.objects.get(code="IR-26")
    county = Unit.objects.filter(parent=qazvin, kind=UnitKind.COUNTY).order_by("code").first()
    for node in (Unit.objects.get(code="IR"), qazvin, county):
        want = expected(node)
        got = {r.cluster: r for r in fields(node, YEAR).rows}
        for c in CLUSTERS:
            r, w = got[c], want[c]
            assert r.institutes == w["institutes"], (node.code, c)
            assert (r.private["seats"], r.public["seats"]) == (w["private_seats"], w["public_seats"]), (node.code, c)
            assert (r.private["person_hours"], r.public["person_hours"]) == (w["private_ph"], w["public_ph"]), (node.code, c)
            assert r.enrollments == w["enrollments"] and r.offered == w["offered"], (node.code, c)
            assert r.demand["applicants_by_cluster"] == w["enrollments"]  # today's demand: the enrollments
            assert r.supply_share == pytest.approx(w["S"]) and r.demand_share == pytest.approx(w["D"])
            assert r.index == pytest.approx(w["I"]), (node.code, c)
            assert r.fill() == (pytest.approx(100 * w["enrollments"] / w["offered"]) if w["offered"] else None)


def test_each_county_of_the_province_is_its_own_balance(country) -> None:  # type: ignore[no-untyped-def]
    qazvin = Unit.objects.get(code="IR-26")
    page = fields(qazvin, YEAR)
    counties = list(Unit.objects.filter(parent=qazvin, kind=UnitKind.COUNTY))
    assert {a.unit.code for a in page.areas} == {c.code for c in counties}
    for area in page.areas:
        want = expected(area.unit)
        assert area.institutes == sum(want[c]["institutes"] for c in CLUSTERS)
        assert area.dissimilarity == pytest.approx(sum(abs(want[c]["I"]) for c in CLUSTERS) / 2)
        assert (area.rank is None) == (area.institutes < 50)
    ranked = [a.dissimilarity for a in page.areas if a.rank]
    assert ranked == sorted(ranked, reverse=True)
    assert sum(a.institutes for a in page.areas) == page.institutes


def test_qazvins_165_services_against_17_industry_stand_out(country, client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    qazvin = Unit.objects.get(code="IR-26")
    # The demo builds seed 002's 275 institutes (demo/units.py); its licensing step then closes one, revokes
    # one and grants a new one (demo/licensing.py), so the page counts the active ones.
    built = Counter(Unit.objects.filter(province=qazvin, kind="free_institute").order_by("pk")
                    .values_list("cluster", flat=True)[:275])
    assert (sum(built.values()), built["services"], built["industry"]) == (275, 165, 17)
    active = Counter(Unit.objects.filter(province=qazvin, kind="free_institute", is_active=True)
                     .values_list("cluster", flat=True))
    page = fields(qazvin, YEAR)
    rows = {r.cluster: r for r in page.rows}
    assert (page.institutes, rows["services"].institutes, rows["industry"].institutes) == (
        sum(active.values()), active["services"], active["industry"])
    assert rows["services"].supply_parts["institutes"] == pytest.approx(100 * active["services"] / sum(active.values()))
    assert rows["services"].advice == "hold" and rows["industry"].advice == "encourage"
    assert page.ranked[0].cluster == "industry" and page.ranked[-1].cluster == "services"
    login(client, django_user_model, "IR", "hq_planner")
    html = client.get(reverse("monitoring_fields", args=["IR-26"]), {"year": YEAR}).content.decode()
    summary = html[html.index('data-testid="fields-summary"'):html.index('data-testid="fields-supply"')]
    assert 'data-testid="standout-services"' in summary and 'data-testid="standout-industry"' in summary
    digits = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    for cluster in ("services", "industry"):
        assert f"{rows[cluster].institutes}".translate(digits) + " آموزشگاه" in summary
    assert "خودداری از صدور پروانه جدید" in summary and "تشویق صدور پروانه جدید" in summary
    national = client.get(reverse("monitoring_fields_home"), {"year": YEAR})
    areas = national.context["f"].areas
    assert areas[0].unit.code == "IR-26" and areas[0].rank == 1  # Semnan's one institute is too few to rank
    assert next(a for a in areas if a.unit.code == "IR-20").rank is None
    assert 'data-testid="top-area"' in national.content.decode()
    scorecard = client.get(reverse("monitoring_scorecard", args=["IR-26"]), {"year": YEAR}).content.decode()
    assert f'href="{reverse("monitoring_fields", args=["IR-26"])}?year={YEAR}"' in scorecard


def test_the_page_reads_summaries_not_enrollments(country) -> None:  # type: ignore[no-untyped-def]
    for code, most in (("IR", 6), ("IR-26", 7), ("IR-26-01", 7)):
        node = Unit.objects.get(code=code)
        with CaptureQueriesContext(connection) as ctx:
            fields(node, YEAR)
        sql = [q["sql"] for q in ctx.captured_queries]
        assert len(sql) <= most, (code, sql)
        assert not any("training_enrollment" in q for q in sql)
        assert any("monitoring_fact" in q for q in sql)


def test_a_provided_input_replaces_the_platforms_own_figure(country) -> None:  # type: ignore[no-untyped-def]
    qazvin = Unit.objects.get(code="IR-26")
    try:
        inputs.provide("waiting_by_cluster", lambda s: {(None, "industry"): 300.0, (None, "agriculture"): 100.0})
        inputs.provide("applicants_by_cluster", lambda s: {(None, "services"): 1000.0, (None, "industry"): 1000.0})
        page = fields(qazvin, YEAR)
    finally:
        inputs.withdraw("waiting_by_cluster")
        inputs.withdraw("applicants_by_cluster")
    rows = {r.cluster: r for r in page.rows}
    # applicants 50 : 50 : 0, waiting 0 : 75 : 25 (industry, agriculture) -> D = 25, 62.5, 12.5
    assert rows["services"].demand_share == pytest.approx(25.0)
    assert rows["industry"].demand_share == pytest.approx(62.5)
    assert rows["agriculture"].demand_share == pytest.approx(12.5)
    assert rows["ict"].demand_share == pytest.approx(0.0)
    assert page.provided == {"applicants_by_cluster": True, "waiting_by_cluster": True,
                             "priority_programs_by_cluster": False}


def test_licensed_clusters_are_one_line_away(country) -> None:  # type: ignore[no-untyped-def]
    """The licence-based count gives an institute licensed in two clusters to both; only current, active ones."""
    from maharat.institutes.factories import license_unit
    from maharat.institutes.models import Licence, LicenceStatus

    county = make_unit(UnitKind.COUNTY, parent=Unit.objects.get(code="IR-20"))
    a = make_unit(UnitKind.FREE_INSTITUTE, parent=county, cluster="services")
    b = make_unit(UnitKind.FREE_INSTITUTE, parent=county, cluster="industry")
    c = make_unit(UnitKind.FREE_INSTITUTE, parent=county, cluster="ict")  # licensed in its cluster when created
    license_unit(a, clusters=["services", "industry"])
    license_unit(b, clusters=["industry"])
    Licence.objects.filter(institute__unit=c).update(status=LicenceStatus.SUSPENDED)  # not in force: not counted
    where = scope.Scope(county, YEAR, 12)
    by_licence = Counter({c: v["institutes"] for (_a, c, _s), v in scope._from_licences(where).items()})
    by_unit = Counter({c: v["institutes"] for (_a, c, _s), v in scope._from_units(where).items()})
    assert by_licence == Counter({"industry": 2, "services": 1})
    assert by_unit == Counter({"services": 1, "industry": 1, "ict": 1})


# ------------------------------------------------------------------------------------ who sees what
PAGES = ("IR", "IR-26", "IR-26-01", "IR-20")


@pytest.mark.parametrize(("role", "unit", "allowed", "home"), [
    ("hq_planner", "IR", {"IR", "IR-26", "IR-26-01", "IR-20"}, "IR"),
    ("hq_viewer", "IR", {"IR", "IR-26", "IR-26-01", "IR-20"}, "IR"),
    ("provincial_manager", "IR-26", {"IR-26", "IR-26-01"}, "IR-26"),
    ("provincial_expert", "IR-26", {"IR-26", "IR-26-01"}, "IR-26"),
    ("provincial_manager", "IR-20", {"IR-20"}, "IR-20"),
])
def test_each_role_sees_its_own_areas_only(country, client, django_user_model, role, unit, allowed, home) -> None:  # type: ignore[no-untyped-def]
    login(client, django_user_model, unit, role)
    for code in PAGES:
        page = client.get(reverse("monitoring_fields", args=[code]), {"year": YEAR})
        assert page.status_code == (200 if code in allowed else 404), (role, unit, code)
        export = client.get(reverse("monitoring_fields", args=[code]), {"year": YEAR, "format": "csv"})
        assert export.status_code == (200 if code in allowed else 404), (role, unit, code)
    own = client.get(reverse("monitoring_fields_home"), {"year": YEAR})
    assert own.status_code == 200 and own.context["node"].code == home
    menu = client.get("/").content.decode()
    assert reverse("monitoring_fields_home") in menu


def test_units_below_a_county_and_roles_without_monitoring_get_nothing(country, client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    center = Unit.objects.filter(province__code="IR-26", kind=UnitKind.FIXED_CENTER).order_by("code").first()
    institute = Unit.objects.filter(province__code="IR-26", kind=UnitKind.FREE_INSTITUTE).order_by("code").first()
    partner = Unit.objects.filter(province__code="IR-26", kind=UnitKind.PARTNER).first()
    for role, unit, own, county in (("center_head", center, 404, 404), ("institute_manager", institute, 404, 404),
                                    ("trainer", center, 403, 403), ("partner_viewer", partner, 403, 403)):
        client.logout()
        login(client, django_user_model, unit.code, role)
        assert client.get(reverse("monitoring_fields_home")).status_code == own, role
        assert client.get(reverse("monitoring_fields", args=[unit.code])).status_code in (403, 404), role
        assert client.get(reverse("monitoring_fields", args=[center.county.code])).status_code == county, role
        assert client.get(reverse("monitoring_fields", args=["IR"]), {"format": "xlsx"}).status_code in (403, 404)
        assert reverse("monitoring_fields_home") not in client.get("/").content.decode(), role
    client.logout()
    assert client.get(reverse("monitoring_fields", args=["IR-26"])).status_code == 302  # to the sign-in page


def test_hostile_values_fall_back_or_are_refused(country, client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    login(client, django_user_model, "IR", "hq_planner")
    this_year = jalali.today().year
    for year in ("0", "99999", "=cmd|' /C calc'!A0", "\u202e1404", "9" * 400):
        page = client.get(reverse("monitoring_fields", args=["IR-26"]), {"year": year})
        assert page.status_code == 200 and page.context["year"] == this_year, repr(year)
    # a NUL byte in the query string is refused before any view (common middleware): 400, never a figure
    assert client.get(reverse("monitoring_fields", args=["IR-26"]), {"year": "1404\x00"}).status_code in (200, 400)
    assert client.get(reverse("monitoring_fields", args=["IR-26"]), {"year": "۱۴۰۴"}).context["year"] == 1404
    for code in ("IR-26\x00", "=cmd", "../IR", "ir-26-999"):
        assert client.get(f"/monitoring/fields/{code}/").status_code in (400, 404), repr(code)  # NUL: 400
    page = client.get(reverse("monitoring_fields", args=["ir-26"]), {"year": YEAR, "part": "=cmd", "format": "pdf"})
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")  # no PDF: the page itself


# -------------------------------------------------------------------------------- exports and digits
def test_csv_and_xlsx_hold_the_pages_figures(country, client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    login(client, django_user_model, "IR-26", "provincial_manager")
    page = fields(Unit.objects.get(code="IR-26"), YEAR)
    body = client.get(reverse("monitoring_fields", args=["IR-26"]), {"year": YEAR, "format": "csv"})
    assert body["Content-Disposition"].endswith('fields-ir-26-1404.csv"')
    rows = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig"))))
    head = rows[0]
    assert head[:3] == ["رتبه", "خوشه", "آموزشگاه‌های آزاد"] and head[-2:] == ["شاخص ناهمخوانی (واحد درصد)", "پیشنهاد"]
    lines = {r[1]: r for r in rows[1:7]}
    services = next(r for r in page.rows if r.cluster == "services")
    assert lines["خدمات"][2] == str(services.institutes) and float(lines["خدمات"][-2]) == pytest.approx(round(services.index, 1))
    assert lines["خدمات"][-1] == "خودداری از صدور پروانه جدید"
    assert [int(r[0]) for r in rows[1:7]] == [1, 2, 3, 4, 5, 6]
    assert len(rows) == 7  # a CSV is the data alone; the workbook carries the formula under the table
    book = load_workbook(io.BytesIO(client.get(reverse("monitoring_fields", args=["IR-26"]), {
        "year": YEAR, "format": "xlsx"}).content)).active
    assert any("سهم عرضه = میانگین" in str(c.value) for row in book.iter_rows() for c in row if c.value)
    xlsx = client.get(reverse("monitoring_fields", args=["IR-26"]), {"year": YEAR, "format": "xlsx", "part": "areas"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.sheet_view.rightToLeft is True and sheet["E1"].value == "شاخص ناهمخوانی (درصد)"
    assert sheet.max_row >= 1 + len(page.areas)
    assert {sheet.cell(row=i, column=3).value for i in range(2, 2 + len(page.areas))} == {a.unit.code for a in page.areas}


def _tables(html: str) -> str:
    """The text of the page's tables and summary, tags removed: what the figures are written in."""
    main = html[html.index('data-testid="fields-summary"'):html.index('data-testid="formula"')]
    return re.sub(r"<[^>]+>", " ", main[main.index(">") + 1:main.rindex("<")])


def test_persian_digits_on_the_persian_page(country, client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    login(client, django_user_model, "IR", "hq_planner")
    html = client.get(reverse("monitoring_fields", args=["IR-26"]), {"year": YEAR}).content.decode()
    text = _tables(html)
    services = next(r for r in fields(Unit.objects.get(code="IR-26"), YEAR).rows if r.cluster == "services")
    assert str(services.institutes).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in text and "٪" in text
    assert not re.search(r"[0-9]", text), text[max(0, re.search(r"[0-9]", text).start() - 80):][:160]  # no Latin digit in any figure (codes are not shown in these tables)


def test_the_english_page_has_no_persian(country, client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    login(client, django_user_model, "IR", "hq_planner")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("monitoring_fields_home"), {"year": YEAR}).content.decode()
    main = html[html.index('<main'):html.index('</main>')]
    persian = re.findall(r"[\u0600-\u06ff]+", re.sub(r"<[^>]+>", " ", main))
    assert not persian, persian[:20]
    assert "Fields against demand" in main and "Hold back new licences" in main and "Qazvin" in main
    assert not re.search(r"[۰-۹]", main)


def test_a_small_areas_english_page_has_no_persian_but_stored_names(country, client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    """Semnan (one institute at this scale): its counties unranked, the caution shown; only the counties'
    stored names (no English twin in the demo) may be Persian."""
    login(client, django_user_model, "IR", "hq_planner")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("monitoring_fields", args=["IR-20"]), {"year": YEAR}).content.decode()
    main = html[html.index('<main'):html.index('</main>')]
    assert 'data-testid="few-institutes"' in main and "Fewer than 50 institutes" in main
    text = re.sub(r"<[^>]+>", " ", main)
    for name in Unit.objects.filter(province__code="IR-20", name_en="").values_list("name", flat=True):
        text = text.replace(name, " ")
    assert not re.findall(r"[\u0600-\u06ff]+", text), re.findall(r"[\u0600-\u06ff]+", text)[:20]
