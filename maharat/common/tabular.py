"""One table, several formats: every list, scorecard and report exports through here (CSV and xlsx).

xlsx sheets are right-to-left with Persian headers and real numbers (not text), so a spreadsheet program
can sum them; CSV is UTF-8 with a byte-order mark, which Excel needs to read Persian correctly.

Neither format holds the whole export in memory: CSV goes out in chunks as the rows are read (a streamed
response), xlsx is written by openpyxl's write-only mode into a temporary file, which is then sent. A national
register of millions of rows costs the server a chunk of rows, not the file (kit/reports.py serves them).

Cells hold what users typed, so nothing in them may act in the spreadsheet: text that a spreadsheet program
would read as a formula (=, +, -, @, tab, CR; OWASP's list) is written as text: in xlsx as a string cell
marked quotePrefix (it stays text even when someone edits it), in CSV behind a leading quote. Characters
that xlsx cannot hold are dropped, so that one odd byte stored somewhere cannot break every export.
"""

from __future__ import annotations

import contextvars
import csv
import datetime as dt
import io
import itertools
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
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


def csv_chunks(table: Table, chunk_bytes: int = 64 * 1024) -> Iterator[bytes]:
    """The CSV file in pieces of about `chunk_bytes`, produced as the rows are read: the byte-order mark and
    the header row first, so a download starts before the last row has been fetched."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([_csv_value(h) for h in table.headers])
    for number, row in enumerate(table.rows, start=1):
        writer.writerow([_csv_value(v) for v in row])
        if number % 256 == 0 and buffer.tell() >= chunk_bytes:  # tell() is not free: every 256 rows
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def to_csv(table: Table) -> bytes:
    return b"".join(csv_chunks(table))


def _xlsx_value(value: object) -> Cell:
    if not isinstance(value, str):
        value = _text(value)
    if isinstance(value, str) and not value.isprintable():
        value = _ILLEGAL.sub("", value)
    return value[:XLSX_TEXT_LIMIT] if isinstance(value, str) else value


def _sheet_title(title: str) -> str:
    return _SHEET_TITLE.sub("-", title or "")[:31].strip("' ") or "sheet"


# Column widths must be written before the first row in write-only mode: they come from the headers and the
# first rows (every report but the large registers fits in them, and those are wide enough by then).
WIDTH_SAMPLE = 500


def _cells(ws: Any, values: Sequence[Cell], style: dict[str, Any] | None = None) -> list[Any]:
    """A row for a write-only sheet: plain values, except that text a spreadsheet would run as a formula is a
    string cell marked quotePrefix (openpyxl would store "=..." as a formula), and styled cells (the header)."""
    from openpyxl.cell import WriteOnlyCell

    row: list[Any] = []
    for value in values:
        guard = isinstance(value, str) and formula_like(value)
        if not guard and style is None:
            row.append(value)
            continue
        cell = WriteOnlyCell(ws, value=value)
        if guard:
            cell.data_type, cell.quotePrefix = "s", True
        for name, setting in (style or {}).items():
            setattr(cell, name, setting)
        row.append(cell)
    return row


# Excel opens no sheet longer than this (the header row included): a longer export continues on a new sheet,
# "<title> (2)", … with the header repeated, so a national register of ten million rows is one workbook.
XLSX_MAX_ROWS = 1_048_576


def write_xlsx(table: Table, target: IO[bytes], *, max_rows: int | None = None) -> None:
    """Write the table as an xlsx workbook into a binary file, in openpyxl's write-only mode: each row goes
    to disk as it is appended, so memory holds WIDTH_SAMPLE rows at most, whatever the table's length.
    Past `max_rows` per sheet (XLSX_MAX_ROWS, Excel's limit) the rows go on to a further sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    limit = max_rows or XLSX_MAX_ROWS
    wb = Workbook(write_only=True)
    headers = [_xlsx_value(h) for h in table.headers]
    rows = iter(table.rows)
    sample = [[_xlsx_value(v) for v in row] for row in itertools.islice(rows, WIDTH_SAMPLE)]
    widths = [len(str(h)) + 2 for h in headers]
    for values in sample:
        for i, v in enumerate(values[:len(widths)]):
            if v is not None:
                widths[i] = max(widths[i], min(len(str(v)) + 2, 60))
    header_style = {"font": Font(name="Vazirmatn", bold=True), "fill": PatternFill("solid", fgColor="DDEBEE"),
                    "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True)}
    title = _sheet_title(table.title)

    def new_sheet(number: int) -> Any:
        name = title if number == 1 else f"{title[:31 - len(f' ({number})')]} ({number})"
        ws = wb.create_sheet(name)
        ws.sheet_view.rightToLeft = True
        ws.freeze_panes = "A2"
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[_column_letter(i)].width = width
        ws.append(_cells(ws, headers, header_style))
        return ws

    sheets = 1
    ws, used = new_sheet(sheets), 1
    for values in itertools.chain(sample, ([_xlsx_value(v) for v in row] for row in rows)):
        if used >= limit:
            sheets += 1
            ws, used = new_sheet(sheets), 1
        ws.append(_cells(ws, values))
        used += 1
    if table.notes and used + 2 * len(table.notes) > limit:
        ws = new_sheet(sheets + 1)
    for note in table.notes:
        ws.append([])
        ws.append(_cells(ws, [_xlsx_value(note)]))
    wb.save(target)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def to_xlsx(table: Table) -> bytes:
    out = io.BytesIO()
    write_xlsx(table, out)
    return out.getvalue()


def xlsx_file(table: Table) -> IO[bytes]:
    """The workbook in a temporary file (in memory up to 1 MB, on disk beyond), read back from the start."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # closed by the response, once sent
    write_xlsx(table, spool)
    spool.seek(0)
    return spool


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def attachment(response: Any, filename: str, extension: str, *, exact: bool = False) -> Any:
    """Name the response's file: the one Content-Disposition every download of the platform carries. The name
    is slugified (ASCII, lower case) unless `exact`, for names made of codes only."""
    name = filename if exact else (slugify(filename, allow_unicode=False) or "maharat")
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


class _Gathered:
    """Streamed downloads answer `content` too, gathering the rest of the stream once, for a caller that wants
    the whole file at once (a test, a command); a server only ever iterates them."""

    _gathered: bytes | None = None

    @property
    def content(self) -> bytes:
        if self._gathered is None:
            self._gathered = b"".join(self.streaming_content)  # type: ignore[attr-defined]
        return self._gathered


# The stubs type a streamed response's `content` as NoReturn (Django's has none); these two have one.
class CsvDownload(_Gathered, StreamingHttpResponse):  # type: ignore[misc]
    pass


class FileDownload(_Gathered, FileResponse):  # type: ignore[misc]
    block_size = 64 * 1024  # Django's 4 KB means sixteen times as many writes to the socket


def in_request_context(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Each chunk computed in the context of the request that asked for it. A streamed body is read after the
    view has returned and the middleware has left: without this, its queries would lose the request's choice
    of database (the replica, common/replica.py) and its text the request's language. The context is taken
    now, by this call (a plain function: a generator's body would only run once the body is read)."""
    context, language = contextvars.copy_context(), translation.get_language()
    iterator = iter(chunks)

    def step() -> bytes | None:
        with translation.override(language):
            return next(iterator, None)

    def stream() -> Iterator[bytes]:
        while (chunk := context.run(step)) is not None:
            yield chunk

    return stream()


def response(table: Table, fmt: str) -> StreamingHttpResponse:
    """The table as a download: xlsx when asked for, CSV otherwise (streamed)."""
    if fmt == "xlsx":
        resp: StreamingHttpResponse = FileDownload(xlsx_file(table), content_type=CONTENT_TYPES["xlsx"])
        return attachment(resp, table.filename, "xlsx")
    return attachment(CsvDownload(in_request_context(csv_chunks(table)), content_type=CONTENT_TYPES["csv"]),
                      table.filename, "csv")
