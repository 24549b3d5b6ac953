"""One table, several formats: every list, scorecard and report exports through here (CSV and xlsx).

xlsx sheets are right-to-left with Persian headers and real numbers (not text), so a spreadsheet program
can sum them; CSV is UTF-8 with a byte-order mark, which Excel needs to read Persian correctly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils.text import slugify

from maharat.common import jalali

Cell = str | int | float | Decimal | dt.date | None


@dataclass
class Table:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Cell]]
    filename: str = "maharat"
    notes: list[str] = field(default_factory=list)


def _text(value: Cell) -> Cell:
    if isinstance(value, dt.date):
        return jalali.format_date(value, persian_digits=False)  # Jalali, ASCII digits: sortable text
    if isinstance(value, Decimal):
        return float(value)
    return value


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(["" if v is None else _text(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = (table.title or "sheet")[:31].replace("/", "-")
    ws.sheet_view.rightToLeft = True
    bold = Font(name="Vazirmatn", bold=True)
    ws.append(list(table.headers))
    for cell in ws[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBEE")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths = [len(str(h)) + 2 for h in table.headers]
    for row in table.rows:
        values = [_text(v) for v in row]
        ws.append(values)
        for i, v in enumerate(values):
            widths[i] = max(widths[i], min(len(str(v)) + 2, 60)) if v is not None else widths[i]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
    ws.freeze_panes = "A2"
    for note in table.notes:
        ws.append([])
        ws.append([note])
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
