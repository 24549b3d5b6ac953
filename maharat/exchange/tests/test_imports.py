"""Imports: hostile files, all-or-nothing, idempotence, encodings, the round trip, the command line."""

from __future__ import annotations

import io
import random

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from maharat.access.models import Account
from maharat.audit.models import AuditEntry
from maharat.exchange.models import ImportBatch
from maharat.exchange.services import start_import, template_xlsx
from maharat.factories import CourseRunFactory, TraineeFactory, make_unit, national_code
from maharat.kit.importing import KINDS as IMPORTERS
from maharat.org.models import Unit
from maharat.people.models import Trainee
from maharat.training.models import Enrollment

pytestmark = pytest.mark.django_db

HEADERS = ["کد ملی", "نام", "نام خانوادگی", "جنسیت", "تاریخ تولد", "محل سکونت", "کد واحد ثبت‌کننده"]


@pytest.fixture
def planner(django_user_model):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user("importer", password="import-pass-123")
    Account.objects.create(user=user, role="hq_planner", unit=Unit.objects.get(code="IR"))
    return user


def trainee_rows(n: int, unit: Unit, start: int = 0) -> list[list[str]]:
    return [[national_code(start + i), "زهرا", f"کریمی{i}", "زن", "1375/02/15", "شهری", unit.code] for i in range(n)]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8", headers: list[str] = HEADERS) -> bytes:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer).writerows([headers, *rows])
    text = buffer.getvalue()
    if encoding == "cp1256":  # old Excel wrote Persian yeh as the Arabic one, which cp1256 has
        text = text.replace("ی", "ي")
    return text.encode(encoding)


def xlsx_bytes(rows: list[list[object]], headers: list[str] = HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_ten_thousand_rows_with_three_bad_ones_import_nothing(planner) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit()
    rows = trainee_rows(10_000, unit)
    rows[17][0] = "1234567890"  # wrong check digit
    rows[4242][4] = "1404/12/30"  # 1404 is not a leap year
    rows[9998][3] = "نامعلوم"  # not a sex
    batch = start_import(user=planner, kind="trainees", file_name="t.csv", data=csv_bytes(rows), dry_run=False,
                         background=False)
    assert Trainee.objects.count() == 0
    assert sorted(p["row"] for p in batch.problems) == [19, 4244, 10000]
    assert {p["column"] for p in batch.problems} == {"کد ملی", "تاریخ تولد", "جنسیت"}
    assert batch.status == "rejected" and batch.total_rows == 10_000


def test_clean_file_imports_and_the_same_file_twice_adds_nothing(planner) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit()
    data = xlsx_bytes(trainee_rows(50, unit))
    dry = start_import(user=planner, kind="trainees", file_name="t.xlsx", data=data, dry_run=True, background=False)
    assert (dry.status, dry.created, Trainee.objects.count()) == ("done", 50, 0)
    first = start_import(user=planner, kind="trainees", file_name="t.xlsx", data=data, dry_run=False, background=False)
    assert (first.created, Trainee.objects.count()) == (50, 50)
    second = start_import(user=planner, kind="trainees", file_name="t.xlsx", data=data, dry_run=False, background=False)
    assert (second.created, second.updated, second.unchanged, Trainee.objects.count()) == (0, 0, 50, 50)
    assert first.checksum == second.checksum
    assert AuditEntry.objects.filter(object_id=str(first.pk), content_type__model="importbatch").exists()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1256"])
def test_every_encoding_and_arabic_letters_and_digits(planner, encoding: str) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit()
    code = "0499370899"
    rows = [[code.lstrip("0"), "علي", "كريمي", "زن", "١٣٧٥/٠٢/١٥", "شهری", unit.code]]
    if encoding == "cp1256":  # Windows-1256 has Arabic-Indic digits but not every Persian letter
        rows = [[code, "علي", "كريمي", "زن", "1375-2-15", "شهری", unit.code]]
    batch = start_import(user=planner, kind="trainees", file_name="t.csv", data=csv_bytes(rows, encoding),
                         dry_run=False, background=False)
    assert batch.status == "done", batch.problems
    t = Trainee.objects.get()
    assert (t.first_name, t.last_name, t.national_code) == ("علی", "کریمی", code)
    assert t.birth_date.isoformat() == "1996-05-04"


def test_missing_extra_and_duplicate(planner) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit()
    missing = start_import(user=planner, kind="trainees", file_name="t.csv", data=csv_bytes(
        [r[:-1] for r in trainee_rows(2, unit)], headers=HEADERS[:-1]), dry_run=False, background=False)
    assert [p["column"] for p in missing.problems] == ["کد واحد ثبت‌کننده"]
    extra = start_import(user=planner, kind="trainees", file_name="t.csv", data=csv_bytes(
        [[*r, "؟"] for r in trainee_rows(2, unit)], headers=[*HEADERS, "ستون اضافه"]), dry_run=False, background=False)
    assert [p["column"] for p in extra.problems] == ["ستون اضافه"]
    rows = trainee_rows(3, unit)
    rows.append(list(rows[0]))
    dup = start_import(user=planner, kind="trainees", file_name="t.csv", data=csv_bytes(rows), dry_run=False, background=False)
    assert [p["row"] for p in dup.problems] == [5] and "تکرار ردیف ۲" in dup.problems[0]["message"].replace("2", "۲")
    assert Trainee.objects.count() == 0


def test_wrong_types_and_broken_files_are_reported_not_crashed(planner) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit()
    wrong = xlsx_bytes([[12.5, 7, None, 3, "not a date", "شهری", unit.code]])
    batch = start_import(user=planner, kind="trainees", file_name="t.xlsx", data=wrong, dry_run=False, background=False)
    assert batch.status == "rejected" and len(batch.problems) >= 4
    broken = start_import(user=planner, kind="trainees", file_name="t.xlsx", data=b"not a zip", dry_run=False,
                          background=False)
    assert broken.status == "rejected" and "خوانا" in broken.problems[0]["message"]


def test_out_of_scope_rows_are_refused(django_user_model) -> None:  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user("qz-imp", password="import-pass-123")
    Account.objects.create(user=user, role="provincial_expert", unit=Unit.objects.get(code="IR-26"))
    ea_county = make_unit("county", parent=Unit.objects.get(code="IR-03"), name="تبریز")
    ea = make_unit(parent=ea_county)
    batch = start_import(user=user, kind="trainees", file_name="t.csv", data=csv_bytes(trainee_rows(1, ea)),
                         dry_run=False, background=False)
    # The other province's unit is answered exactly like a code that does not exist.
    assert batch.status == "rejected" and batch.problems[0]["message"] == "واحدی با این کد (از نوع مناسب) وجود ندارد."


def test_enrollments_import_keeps_scorecards_live(planner) -> None:  # type: ignore[no-untyped-def]
    from maharat.common import jalali
    from maharat.monitoring.selectors import node_measures

    run = CourseRunFactory(hours=100, capacity=50)
    people = [TraineeFactory() for _ in range(5)]
    data = csv_bytes([[run.code, t.national_code, "80", "پایان دوره"] for t in people],
                     headers=["کد دوره", "کد ملی کارآموز", "ساعت حضور", "وضعیت"])
    batch = start_import(user=planner, kind="enrollments", file_name="e.csv", data=data, dry_run=False, background=False)
    assert batch.created == 5
    year = jalali.from_gregorian(run.end_date).year
    hq = Unit.objects.get(code="IR")
    assert node_measures([hq.pk], year)[hq.pk]["person_hours"] == 400
    over = csv_bytes([[run.code, people[0].national_code, "101", "پایان دوره"]],
                     headers=["کد دوره", "کد ملی کارآموز", "ساعت حضور", "وضعیت"])
    bad = start_import(user=planner, kind="enrollments", file_name="e.csv", data=over, dry_run=False, background=False)
    assert bad.status == "rejected" and Enrollment.objects.get(trainee=people[0]).hours_attended == 80


def test_round_trip_export_then_import_reproduces_identical_records(planner, client) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit()
    from maharat.people.models import TargetGroup

    for i in range(20):
        t = TraineeFactory(registered_unit=unit, residence=random.Random(i).choice(["urban", "rural", "nomad"]),
                           income_decile=(i % 10) + 1, decile_assessed_on="2023-04-09")
        t.target_groups.set(TargetGroup.objects.order_by("order")[i % 5: i % 5 + 2])
    before = {t.national_code: (t.first_name, t.last_name, t.sex, t.birth_date, t.residence, t.income_decile,
                                t.decile_assessed_on, sorted(t.target_groups.values_list("pk", flat=True)))
              for t in Trainee.objects.all()}
    client.force_login(planner)
    exported = client.get(reverse("import_export", args=["trainees"])).content
    Trainee.objects.all().delete()
    batch = start_import(user=planner, kind="trainees", file_name="export.xlsx", data=exported, dry_run=False,
                         background=False)
    assert batch.status == "done", batch.problems
    after = {t.national_code: (t.first_name, t.last_name, t.sex, t.birth_date, t.residence, t.income_decile,
                               t.decile_assessed_on, sorted(t.target_groups.values_list("pk", flat=True)))
             for t in Trainee.objects.all()}
    assert after == before
    again = start_import(user=planner, kind="trainees", file_name="export.xlsx", data=exported, dry_run=False,
                         background=False)
    assert again.unchanged == 20 and again.created == again.updated == 0


def test_templates_have_persian_rtl_headers_dropdowns_and_an_example(planner, client) -> None:  # type: ignore[no-untyped-def]
    for kind in IMPORTERS:
        sheet = load_workbook(io.BytesIO(template_xlsx(kind))).active
        assert sheet.sheet_view.rightToLeft
        headers = [c.value for c in sheet[1]]
        assert headers == [c.header for c in IMPORTERS[kind]().columns]
        if any(c.choices for c in IMPORTERS[kind]().columns):
            assert sheet.data_validations.dataValidation
    client.force_login(planner)
    assert client.get(reverse("import_template", args=["enrollments"])).status_code == 200


def test_command_line_import_and_template(planner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit()
    path = tmp_path / "t.csv"
    path.write_bytes(csv_bytes(trainee_rows(3, unit)))
    out = io.StringIO()
    call_command("import", str(path), "--kind", "trainees", "--dry-run", stdout=out)
    assert "created=3" in out.getvalue() and Trainee.objects.count() == 0
    call_command("import", str(path), "--kind", "trainees", stdout=io.StringIO())
    assert Trainee.objects.count() == 3
    call_command("template", "trainees", "--output", str(tmp_path / "t.xlsx"), stdout=io.StringIO())
    assert (tmp_path / "t.xlsx").exists()


def test_large_files_wait_for_the_worker_and_survive_the_browser(planner) -> None:  # type: ignore[no-untyped-def]
    from maharat.jobs.services import run_queued

    unit = make_unit()
    batch = start_import(user=planner, kind="trainees", file_name="big.csv", data=csv_bytes(trainee_rows(30, unit)),
                         dry_run=False, background=True)
    assert ImportBatch.objects.get(pk=batch.pk).status == "queued" and Trainee.objects.count() == 0
    assert run_queued() == 1
    assert ImportBatch.objects.get(pk=batch.pk).status == "done" and Trainee.objects.count() == 30


def test_import_pages(planner, client) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    unit = make_unit()
    client.force_login(planner)
    upload = SimpleUploadedFile("t.csv", csv_bytes(trainee_rows(2, unit) + [["bad", "x", "y", "زن", "1375/01/01", "شهری", unit.code]]))
    response = client.post(reverse("import"), {"kind": "trainees", "file": upload, "dry_run": "on"})
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("import_detail", args=[batch.pk])
    page = client.get(reverse("import_detail", args=[batch.pk])).content.decode()
    assert "کد ملی" in page and batch.problem_count == 1
    report = client.get(reverse("import_detail", args=[batch.pk]), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(report.content)).active
    assert sheet["A2"].value == 4 and sheet.sheet_view.rightToLeft


def test_the_enrollment_fields_are_in_the_order_the_importer_builds_them() -> None:
    """EnrollmentImporter.build creates enrollments from positional values, for speed."""
    from maharat.training.models import Enrollment

    assert [f.attname for f in Enrollment._meta.concrete_fields] == [
        "id", "course_run_id", "trainee_id", "hours_attended", "status", "enrolled_at"]
