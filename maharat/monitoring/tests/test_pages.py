"""Monitoring pages, exports and the command line, on a small generated country."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from maharat.access.models import Account
from maharat.demo.builder import DemoBuilder
from maharat.factories import TODAY, today_is
from maharat.monitoring.commitments import allocation, spread_by_last_year
from maharat.monitoring.selectors import node_measures, scorecard
from maharat.monitoring.warnings import early_warning
from maharat.org.models import Unit
from maharat.plans.models import Commitment
from maharat.plans.services import set_commitment

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def country(built_once):  # type: ignore[no-untyped-def]
    """One province of the demo (Semnan), built once for this module; each test's writes are rolled back."""
    with today_is(TODAY), built_once(lambda: DemoBuilder(seed=5, scale=0.003, provinces=["IR-20"], today=TODAY).build()):
        yield


def planner(django_user_model, code: str = "IR", role: str = "hq_planner"):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(f"p-{code}-{role}", password="monitoring-pass-1")
    Account.objects.create(user=user, role=role, unit=Unit.objects.get(code=code))
    return user


def test_scorecard_reads_summaries_only(country) -> None:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        card = scorecard(Unit.objects.get(code="IR"), 1403)
    assert len(card.rows) == 31
    assert len(ctx.captured_queries) <= 6
    assert not any("training_enrollment" in q["sql"] for q in ctx.captured_queries)


def test_a_recorded_enrollment_shows_at_once(country, client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    from maharat.factories import CourseRunFactory, TraineeFactory

    center = Unit.objects.filter(province__code="IR-20", kind="fixed_center").first()
    run = CourseRunFactory(unit=center, hours=100)
    year = __import__("maharat.common.jalali", fromlist=["x"]).from_gregorian(run.end_date).year
    before = scorecard(Unit.objects.get(code="IR"), year).total.achieved
    client.force_login(planner(django_user_model))
    trainee = TraineeFactory(registered_unit=center)
    response = client.post(reverse("enrollment_create", args=[run.pk]),
                           {"trainee": trainee.national_code, "hours_attended": "80", "status": "completed"})
    assert response.status_code == 302
    assert scorecard(Unit.objects.get(code="IR"), year).total.achieved == before + 80


def test_scorecard_pages_drill_down_and_export(country, client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner(django_user_model))
    page = client.get(reverse("monitoring_home"), {"year": 1403})
    assert page.status_code == 200 and len(page.context["card"].rows) == 31
    province = client.get(reverse("monitoring_scorecard", args=["IR-20"]), {"year": 1403, "sort": "-achieved"})
    rows = province.context["card"].rows
    assert [r.achieved for r in rows] == sorted((r.achieved for r in rows), reverse=True)
    assert [u.code for u in province.context["breadcrumbs"]] == ["IR"]
    xlsx = client.get(reverse("monitoring_scorecard", args=["IR"]), {"year": 1403, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.sheet_view.rightToLeft is True
    assert sheet["B1"].value == "واحد" and sheet.max_row >= 32
    csv = client.get(reverse("monitoring_scorecard", args=["IR"]), {"year": 1403, "format": "csv"})
    assert csv.content.startswith("\ufeff".encode()) and "سمنان" in csv.content.decode("utf-8-sig")
    unit = Unit.objects.filter(province__code="IR-20", kind="fixed_center").first()
    detail = client.get(reverse("monitoring_unit", args=[unit.code]), {"year": 1403})
    assert detail.status_code == 200 and len(detail.context["series"]["monthly"]) == 12
    map_page = client.get(reverse("monitoring_map"), {"year": 1403}).content.decode()
    assert map_page.count("data-name=") == 31
    # The legend's "≥ 80٪" is set left to right, or the right-to-left page shows it as "≤" (mirrored).
    assert re.search(r'<span dir="ltr">≥ [۰-۹]+٪</span>', map_page)
    evaluation = client.get(reverse("monitoring_evaluation", args=["IR-20"]), {"year": 1403, "format": "pdf"})
    assert evaluation["Content-Type"] == "application/pdf" and evaluation.content.startswith(b"%PDF")


def test_other_provinces_are_not_reachable(country, client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner(django_user_model, "IR-20", "provincial_manager"))
    assert client.get(reverse("monitoring_scorecard", args=["IR-26"])).status_code == 404
    assert client.get(reverse("monitoring_evaluation", args=["IR-26"])).status_code == 404
    assert client.get(reverse("monitoring_scorecard", args=["IR-20"])).status_code == 200


def test_cli_scorecard_formats(country, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("scorecard", "--year", "1403", stdout=out)
    assert "سمنان" in out.getvalue()
    target = tmp_path / "qazvin.xlsx"
    call_command("scorecard", "--year", "1403", "--unit", "IR-20", "--format", "xlsx", "--output", str(target))
    assert load_workbook(target).active.sheet_view.rightToLeft is True
    csv_file = tmp_path / "s.csv"
    call_command("scorecard", "--year", "1403", "--format", "csv", "--output", str(csv_file))
    assert csv_file.read_text(encoding="utf-8").splitlines()[0].startswith("رتبه")


def test_spread_by_last_years_share_adds_up_and_follows_shares(country, django_user_model) -> None:  # type: ignore[no-untyped-def]
    user = planner(django_user_model)
    province = Unit.objects.get(code="IR-20")
    set_commitment(user=user, unit=province, year=1404, indicator="person_hours", section="public", target=1_000_003)
    parts = spread_by_last_year(user=user, parent=province, year=1404, indicator="person_hours", section="public")
    assert sum(parts.values()) == 1_000_003
    last_year = node_measures(list(parts), 1403, sectors=("public",))
    total = sum(m["person_hours"] for m in last_year.values())
    for pk, part in parts.items():
        assert float(part) == pytest.approx(1_000_003 * last_year[pk]["person_hours"] / total, abs=1)
    status = {r["commitment"].indicator + r["commitment"].section: r["status"] for r in allocation(province, 1404)}
    assert status["person_hourspublic"] == "balanced"
    child = Commitment.objects.filter(unit__parent=province, year=1404, indicator="person_hours", section="public").first()
    set_commitment(user=user, unit=child.unit, year=1404, indicator="person_hours", section="public", target=child.target + 10)
    status = {r["commitment"].indicator + r["commitment"].section: r["status"] for r in allocation(province, 1404)}
    assert status["person_hourspublic"] == "over"


def test_executive_commitments_spread_in_equal_shares(country, django_user_model) -> None:  # type: ignore[no-untyped-def]
    """They are reported, not computed from training records: no figures to go by (this once raised KeyError)."""
    province = Unit.objects.get(code="IR-20")
    own = Commitment.objects.filter(unit=province, year=1404, section="exec_research").first()
    parts = spread_by_last_year(user=planner(django_user_model), parent=province, year=1404, indicator=own.indicator,
                                section="exec_research")
    assert len(parts) > 1 and sum(parts.values()) == own.target
    assert max(parts.values()) - min(parts.values()) <= 1


def test_only_the_level_above_sets_commitments(country, django_user_model) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import PermissionDenied

    manager = planner(django_user_model, "IR-20", "provincial_manager")
    with pytest.raises(PermissionDenied):  # a province's own commitment comes from HQ
        set_commitment(user=manager, unit=Unit.objects.get(code="IR-20"), year=1404, indicator="trainees",
                       section="public", target=10)
    county = Unit.objects.filter(parent__code="IR-20", kind="county").first()
    assert set_commitment(user=manager, unit=county, year=1404, indicator="trainees", section="public", target=10)
    with pytest.raises(PermissionDenied):
        set_commitment(user=manager, unit=Unit.objects.get(code="IR-26"), year=1404, indicator="trainees",
                       section="public", target=10)


def test_commitment_pages(country, client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner(django_user_model))
    page = client.get(reverse("commitments", args=["IR-20"]), {"year": 1404})
    assert page.status_code == 200 and page.context["rows"]
    response = client.post(reverse("commitments", args=["IR-20"]) + "?year=1404",
                           {"indicator": "trainees", "section": "public", "target": "-5"})
    assert response.status_code == 200 and "target" in response.context["form"].errors
    response = client.post(reverse("allocate", args=["IR-20", "person_hours", "public"]) + "?year=1404", {"spread": "1"})
    assert response.status_code == 302
    # The split page: styled inputs, whole numbers without ".00" in Persian digits, and the running total.
    split = client.get(reverse("allocate", args=["IR-20", "person_hours", "public"]), {"year": 1404}).content.decode()
    inputs = re.findall(r'<input[^>]*data-share="1"[^>]*>', split)
    assert inputs and all('class="form-control' in i or "form-control" in i for i in inputs)
    values = [v for i in inputs for v in re.findall(r'value="([^"]*)"', i)]
    assert values and not any(v.endswith(".00") or re.search(r"[0-9]", v) for v in values)
    assert "data-allocation-sum" in split


def test_early_warning_lists_units_behind_pace(country) -> None:  # type: ignore[no-untyped-def]
    today = dt.date(2025, 9, 22)  # mid-1404
    root = Unit.objects.get(code="IR-20")
    strict = early_warning(root, 1404, margin=0, today=today)
    loose = early_warning(root, 1404, margin=50, today=today)
    assert len(loose) <= len(strict)
    assert all(w.behind > 50 for w in loose) and all(w.behind > 0 for w in strict)
    assert [w.behind for w in strict] == sorted((w.behind for w in strict), reverse=True)


def test_annual_report_page_pdf_and_xlsx(country, client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner(django_user_model))
    page = client.get(reverse("monitoring_annual", args=["IR-20"]), {"year": 1403})
    r = page.context["r"]
    assert r["fixed_centers"] == Unit.objects.filter(province__code="IR-20", kind="fixed_center").count()
    assert r["person_hours"].achieved > 0 and r["clusters"]
    pdf = client.get(reverse("monitoring_annual", args=["IR-20"]), {"year": 1403, "format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    # Page numbers in the page's digits: "۱ / ۲" on a Persian report, never "1 / 2".
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf.content)
        f.flush()
        text = subprocess.run(["pdftotext", f.name, "-"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"۱\s*/\s*[۱-۹]", text) and not re.search(r"(?<![\d.])1\s*/\s*\d(?![\d.])", text)
    sheet = load_workbook(io.BytesIO(client.get(reverse("monitoring_annual", args=["IR-20"]),
                                                {"year": 1403, "format": "xlsx"}).content)).active
    assert sheet.sheet_view.rightToLeft and sheet["A2"].value == "مراکز ثابت"
