"""At national volume (issue 15): the big registers page by keyset with a bounded count, the early-warning
page is grouped by province and paged, and xlsx exports continue on a new sheet past Excel's row limit.
The sizes are scaled down here (a cap of a few rows); bench/run.py measures them on ten million."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from maharat.common import tabular
from maharat.factories import TraineeFactory, make_unit
from maharat.kit.registers import RegisterListView, _ordering_keys
from maharat.monitoring import warnings
from maharat.org.models import Unit, UnitKind
from maharat.people.models import Trainee
from maharat.training.models import Enrollment

pytestmark = pytest.mark.django_db


def test_orderings_expand_to_the_columns_the_database_sorts_by() -> None:
    assert _ordering_keys(Trainee, ["last_name", "first_name"]) == [("last_name", False), ("first_name", False)]
    # Enrollment is ordered by its course run and trainee, that is by their own orderings.
    assert _ordering_keys(Enrollment, ["course_run", "trainee"]) == [
        ("course_run__start_date", True), ("course_run__code", False),
        ("trainee__last_name", False), ("trainee__first_name", False)]
    assert _ordering_keys(Enrollment, ["-course_run"])[:2] == [("course_run__start_date", False),
                                                               ("course_run__code", True)]


def test_a_register_past_the_cap_pages_by_keyset_through_every_row(client_in, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.MAHARAT_PAGE_SIZE = 3
    monkeypatch.setattr(RegisterListView, "count_cap", 5)
    for i in range(11):
        TraineeFactory(last_name="کاظمی" if i % 2 else "احمدی", first_name="علی")  # ties: the pk decides
    expected = list(Trainee.objects.order_by("last_name", "first_name", "pk").values_list("pk", flat=True))
    seen, response, pages = [], client_in.get(reverse("trainee_list")), 0
    while True:
        pages += 1
        page = response.context["page_obj"]
        assert page.keyset and page.paginator.capped
        seen += [t.pk for t in response.context["object_list"]]
        assert "بیش از ۵ مورد" in response.content.decode()
        if not page.has_next():
            break
        response = client_in.get(reverse("trainee_list"), {"after": page.after_token})
    assert seen == expected and pages == 4
    # And back again, by the first row of each page.
    back = []
    while page.has_previous() and page.before_token:
        response = client_in.get(reverse("trainee_list"), {"before": page.before_token})
        page = response.context["page_obj"]
        back = [t.pk for t in response.context["object_list"]] + back
    assert back == expected[: len(back)] and back[:3] == expected[:3]
    # A forged or stale cursor is the first page, never an error.
    assert client_in.get(reverse("trainee_list"), {"after": "forged"}).status_code == 200


def test_a_small_register_keeps_its_page_numbers_and_exact_count(client_in, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MAHARAT_PAGE_SIZE = 3
    for _ in range(7):
        TraineeFactory()
    response = client_in.get(reverse("trainee_list"), {"page": 3})
    assert not getattr(response.context["page_obj"], "keyset", False)
    assert len(response.context["object_list"]) == 1 and "۷ مورد" in response.content.decode()


def test_warnings_are_grouped_by_province_and_paged(client_in, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.MAHARAT_PAGE_SIZE = 2  # four rows a page
    units = list(Unit.objects.filter(kind="province").order_by("code")[:3])
    fake = [warnings.Behind(u.pk, u.kind, None, 100, 10, 50, 80 - i) for i, u in enumerate(units)]
    counties = [make_unit(UnitKind.COUNTY, parent=units[0], name=f"شهرستان {i}") for i in range(4)]
    fake += [warnings.Behind(c.pk, c.kind, units[0].pk, 100, 10, 50, 60 + i) for i, c in enumerate(counties)]
    monkeypatch.setattr("maharat.monitoring.reports.behind_units", lambda *a, **k: list(fake))
    response = client_in.get(reverse("monitoring_alerts"))
    groups = response.context["groups"]
    assert [g.province.code for g in groups][0] == units[0].code and groups[0].count == 1 + len(counties)
    assert len(response.context["warnings"]) == 4 and response.context["page_obj"].paginator.count == len(fake)
    one = client_in.get(reverse("monitoring_alerts"), {"province": units[1].code})
    assert [w.unit.code for w in one.context["warnings"]] == [units[1].code]
    rows = client_in.get(reverse("monitoring_alerts"), {"format": "csv"}).content.decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 1 + len(fake)  # the export holds every row, not a page


def test_xlsx_continues_on_a_new_sheet_past_the_row_limit() -> None:
    table = tabular.Table(title="ثبت‌نام‌ها", headers=["کد", "ساعت"], rows=([f"R{i}", i] for i in range(10)),
                          notes=["یادداشت"])
    out = io.BytesIO()
    tabular.write_xlsx(table, out, max_rows=4)  # the header and three rows a sheet
    wb = load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    sheets = [list(ws.iter_rows(values_only=True)) for ws in wb.worksheets]
    assert [ws.title for ws in wb.worksheets][:2] == ["ثبت‌نام‌ها", "ثبت‌نام‌ها (2)"]
    assert all(s[0] == ("کد", "ساعت") for s in sheets)
    data = [r for s in sheets for r in s[1:] if r and r[0] and str(r[0]).startswith("R")]
    assert [r[1] for r in data] == list(range(10))
    assert all(len(s) <= 4 for s in sheets)
    assert any("یادداشت" in (r[0] or "") for s in sheets for r in s if r)


def test_register_exports_read_plain_values_that_equal_the_cells_of_the_instances() -> None:
    """kit/reports.py: record_rows gives what common.tables.export_value gives from the model instances
    (choices, booleans, dates, numbers, properties like full_name, relations as text)."""
    from maharat.common.tables import export_value
    from maharat.factories import CourseRunFactory, EnrollmentFactory
    from maharat.kit.reports import record_rows

    run = CourseRunFactory(hours=40)
    for i, status in enumerate(("completed", "dropped", "enrolled")):
        EnrollmentFactory(course_run=run, trainee=TraineeFactory(has_disability=bool(i % 2)), status=status,
                          hours_attended=10 * i)
    for model, paths in (
        (Enrollment, ["trainee__national_code", "trainee__full_name", "course_run__code", "course_run__standard__title",
                      "hours_attended", "status", "course_run__start_date", "trainee__has_disability", "course_run__unit",
                      "trainee__referred_by__name"]),
        (Trainee, ["national_code", "full_name", "sex", "birth_date", "income_decile", "registered_unit__name"]),
    ):
        qs = model.objects.all()
        expected = [[export_value(obj, p) for p in paths] for obj in qs]
        assert list(record_rows(qs, paths)) == expected and expected
