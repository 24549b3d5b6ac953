"""Every monitoring, approval and audit report through kit/reports.serve: the file names, header rows and rows
they had before reports were objects (written out here by hand), the same rows in every format, on the page
and from the command line."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from maharat.common import jalali, tabular
from maharat.factories import CourseRunFactory, EnrollmentFactory, TraineeFactory, make_unit
from maharat.monitoring.reports import ScorecardReport
from maharat.org.models import Unit, UnitKind
from maharat.plans.services import set_commitment

pytestmark = pytest.mark.django_db

SCORECARD_HEADERS = ["رتبه", "واحد", "کد", "تعهد", "عملکرد", "درصد تحقق", "مورد انتظار تا امروز",
                     "درصد نسبت به انتظار", "پیش‌بینی پایان سال", "وضعیت"]


@pytest.fixture
def year(user) -> int:  # type: ignore[no-untyped-def]
    """Training in two Qazvin units and commitments for the province and for Qazvin's center."""
    center = make_unit(UnitKind.FIXED_CENTER)
    for unit, hours in ((center, 60), (make_unit(UnitKind.FREE_INSTITUTE), 25)):
        run = CourseRunFactory(unit=unit, hours=hours)
        for _ in range(3):
            EnrollmentFactory(course_run=run, trainee=TraineeFactory(registered_unit=center), hours_attended=hours)
    year = jalali.from_gregorian(run.end_date).year
    qazvin = Unit.objects.get(code="IR-26")
    set_commitment(user=user, unit=qazvin, year=year, indicator="person_hours", section="public", target=100_000)
    set_commitment(user=user, unit=qazvin.children.get(), year=year, indicator="person_hours", section="public",
                   target=90_000)
    set_commitment(user=user, unit=center, year=year, indicator="person_hours", section="public", target=50_000)
    return year


def csv_of(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def xlsx_of(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    ws = load_workbook(io.BytesIO(response.content)).active
    return [["" if c.value is None else str(c.value) for c in row] for row in ws.iter_rows()]


def as_text(rows: list[list[object]]) -> list[list[str]]:
    return [["" if v is None else str(v) for v in row] for row in rows]


def test_scorecard_rows_are_the_same_on_the_page_in_csv_xlsx_and_the_command(year, client_in, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = reverse("monitoring_scorecard", args=["IR"])
    as_csv = client_in.get(url, {"year": year, "format": "csv"})
    as_xlsx = client_in.get(url, {"year": year, "format": "xlsx"})
    page = client_in.get(url, {"year": year})
    assert as_csv["Content-Disposition"] == f'attachment; filename="scorecard-ir-{year}-person_hours-total.csv"'
    assert as_xlsx["Content-Disposition"] == f'attachment; filename="scorecard-ir-{year}-person_hours-total.xlsx"'
    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    direct = as_text([list(r) for r in ScorecardReport(Unit.objects.get(code="IR"), year).rows()])
    in_csv, in_xlsx = csv_of(as_csv), xlsx_of(as_xlsx)
    assert in_csv[0] == SCORECARD_HEADERS == in_xlsx[0]
    assert in_csv[1:] == direct and len(direct) == 32 and direct[-1][0] == "جمع"
    assert in_xlsx[1:len(direct) + 1] == [[v.removesuffix(".0") for v in row] for row in direct]
    hq = Unit.objects.get(code="IR")
    assert not any(in_xlsx[-2]) and in_xlsx[-1][0].startswith(f"{hq.name} — نفر ساعت آموزش (نفر ساعت) — سال {year}")
    card = page.context["card"]
    assert [[r.unit.code, r.achieved] for r in card.rows] == [[row[2], float(row[4])] for row in direct[:-1]]
    qazvin = next(row for row in direct if row[2] == "IR-26")
    assert float(qazvin[4]) == 3 * 60 + 3 * 25 and float(qazvin[3]) == 100_000
    out = tmp_path / "card.csv"
    call_command("scorecard", "--year", str(year), "--format", "csv", "--output", str(out))
    assert list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline=""))) == in_csv


def test_every_report_keeps_its_file_names_and_header_rows(year, client_in) -> None:  # type: ignore[no-untyped-def]
    downloads = {
        (reverse("monitoring_alerts"), (("unit", "IR-26"), ("margin", "0"))):
            (f"early-warning-{year}-person_hours", ["واحد", "کد", "استان", "تعهد", "عملکرد", "مورد انتظار تا امروز",
                                                     "عقب‌ماندگی (درصد)"]),
        (reverse("monitoring_evaluation", args=["IR-26"]), ()):
            (f"evaluation-ir-26-{year}", ["ردیف", "مرکز", "تعهد نفر ساعت", "عملکرد نفر ساعت",
                                          "انحراف نفر ساعت از مورد انتظار تا امروز",
                                          "درصد تحقق", "تعهد کارآموز", "عملکرد کارآموز",
                                          "انحراف کارآموز از مورد انتظار تا امروز", "ملاحظات"]),
        (reverse("monitoring_annual", args=["IR-26"]), ()): (f"annual-ir-26-{year}", ["شاخص", "مقدار"]),
        (reverse("completeness"), (("unit", "IR-26"),)): (f"completeness-ir-26-{year}", ["واحد", "کد", *jalali.MONTHS]),
        (reverse("audit_list"), ()): ("audit", ["زمان", "کاربر", "نشانی IP", "عمل", "نوع رکورد", "رکورد", "واحد",
                                                "تغییرات"]),
    }
    for (url, extra), (name, headers) in downloads.items():
        for fmt in ("csv", "xlsx"):
            response = client_in.get(url, {"year": year, "format": fmt, **dict(extra)})
            assert response.status_code == 200 and response.streaming, (url, fmt)
            assert response["Content-Disposition"] == f'attachment; filename="{name}.{fmt}"', (url, fmt)
            assert response["Content-Type"] == tabular.CONTENT_TYPES[fmt]
            rows = csv_of(response) if fmt == "csv" else xlsx_of(response)
            assert rows[0] == headers, (url, fmt)
        csv_rows = [[tabular.unguard(v) for v in row] for row in csv_of(client_in.get(url, {"year": year, "format": "csv", **dict(extra)}))]
        xlsx_rows = xlsx_of(client_in.get(url, {"year": year, "format": "xlsx", **dict(extra)}))
        assert [[v.removesuffix(".0") for v in row] for row in csv_rows] == xlsx_rows[:len(csv_rows)], url
        assert len(csv_rows) > 1, url  # something to compare beyond the header


def test_evaluation_rows_match_the_page_and_the_pdf_keeps_its_name(year, client_in) -> None:  # type: ignore[no-untyped-def]
    url = reverse("monitoring_evaluation", args=["IR-26"])
    page = client_in.get(url, {"year": year})
    in_csv = csv_of(client_in.get(url, {"year": year, "format": "csv"}))
    assert [[r["unit"].name, r["remark"]] for r in page.context["rows"]] == [[row[1], row[9]] for row in in_csv[1:]]
    assert in_csv[1][2:4] == ["50000.0", "180.0"]  # the center: its commitment and its person-hours
    pdf = client_in.get(url, {"year": year, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == f'attachment; filename="evaluation-IR-26-{year}.pdf"'
