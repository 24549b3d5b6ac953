"""One table, several formats: every list, scorecard and report exports through here (CSV and xlsx).

xlsx sheets are right-to-left with Persian headers and real numbers (not text), so a spreadsheet program
can sum them; CSV is UTF-8 with a byte-order mark, which Excel needs to read Persian correctly.

Cells hold what users typed, so nothing in them may act in the spreadsheet: text that a spreadsheet program
would read as a formula (=, +, -, @, tab, CR; OWASP's list) is written as text: in xlsx as a string cell
marked quotePrefix (it stays text even when someone edits it), in CSV behind a leading quote. Characters
that xlsx cannot hold are dropped, so that one odd byte stored somewhere cannot break every export.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify

from maharat.common import jalali

Cell = str | int | float | Decimal | dt.date | None

_FORMULA = re.compile(r"[\t\r]|\s*[=+\-@]")
_FORMULA_HEADS = frozenset("=+-@")  # with whitespace: the only first characters _FORMULA can match
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")  # "-12.50" (a Decimal as text): a spreadsheet reads a number
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")  # not allowed in XML, so not in xlsx
_SHEET_TITLE = re.compile(r"[\\*?:/\[\]\x00-\x1f]")
XLSX_TEXT_LIMIT = 32_767  # Excel refuses to open a file with a longer cell


@dataclass
class Table:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Cell]]
    filename: str = "maharat"
    notes: list[str] = field(default_factory=list)


def formula_like(text: str) -> bool:
    head = text[:1]  # checked first: exports run through every cell
    return ((head in _FORMULA_HEADS or head.isspace()) and _FORMULA.match(text) is not None
            and _NUMBER.fullmatch(text) is None)


def unguard(text: str) -> str:
    """A cell of a CSV we exported, as it was before the quote: export then import gives the same value."""
    return text[1:] if text[:1] == "'" and formula_like(text[1:]) else text


def _text(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, dt.date):
        return jalali.format_date(value, persian_digits=False)  # Jalali, ASCII digits: sortable text
    if isinstance(value, Decimal):
        return float(value)
    return str(value)  # lazy translations, UUIDs, ...: openpyxl refuses types it does not know


def _csv_value(value: object) -> Cell:
    if not isinstance(value, str):
        value = _text(value)
        if not isinstance(value, str):
            return "" if value is None else value
    if not value.isprintable():
        value = _ILLEGAL.sub("", value)
    return "'" + value if formula_like(value) else value


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_value(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_value(value: object) -> Cell:
    if not isinstance(value, str):
        value = _text(value)
    if isinstance(value, str) and not value.isprintable():
        value = _ILLEGAL.sub("", value)
    return value[:XLSX_TEXT_LIMIT] if isinstance(value, str) else value


def _append(ws: Any, number: int, values: Sequence[Cell]) -> None:
    """Append row `number` (rows are only ever appended, so it is the next one)."""
    ws.append(values)
    for column, value in enumerate(values, start=1):
        if isinstance(value, str) and formula_like(value):
            cell = ws.cell(row=number, column=column)
            cell.data_type, cell.quotePrefix = "s", True  # openpyxl made "=..." a formula: text it is


def _sheet_title(title: str) -> str:
    return _SHEET_TITLE.sub("-", title or "")[:31].strip("' ") or "sheet"


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = _sheet_title(table.title)
    ws.sheet_view.rightToLeft = True
    bold = Font(name="Vazirmatn", bold=True)
    headers = [_xlsx_value(h) for h in table.headers]
    _append(ws, 1, headers)
    for cell in ws[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBEE")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths = [len(str(h)) + 2 for h in headers]
    number = 1
    for row in table.rows:
        values = [_xlsx_value(v) for v in row]
        number += 1
        _append(ws, number, values)
        for i, v in enumerate(values):
            widths[i] = max(widths[i], min(len(str(v)) + 2, 60)) if v is not None else widths[i]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
    ws.freeze_panes = "A2"
    for note in table.notes:
        ws.append([])
        number += 2
        _append(ws, number, [_xlsx_value(note)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def response(table: Table, fmt: str) -> HttpResponse:
    body = to_xlsx(table) if fmt == "xlsx" else to_csv(table)
    resp = HttpResponse(body, content_type=CONTENT_TYPES["xlsx" if fmt == "xlsx" else "csv"])
    name = slugify(table.filename, allow_unicode=False) or "maharat"
    resp["Content-Disposition"] = f'attachment; filename="{name}.{"xlsx" if fmt == "xlsx" else "csv"}"'
    return resp
