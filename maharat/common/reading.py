"""Reading spreadsheets as people actually send them: xlsx, CSV in UTF-8 (with or without BOM), UTF-16 or
Windows-1256 from older Excel; header names in Persian (or the English keys); any digits.

Files come from users, so reading must survive hostile ones: a few kilobytes of xlsx may not cost the process
hundreds of megabytes, no odd byte may surface as a server error, and NUL never reaches the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import IO

from maharat.common.persian import normalize, to_persian_digits

from .tabular import unguard

MAX_ROWS = 1_048_576  # Excel's own limit: a sheet claiming more was not made by a spreadsheet program
MAX_COLUMNS = 200  # every import has under 20 columns; a wider sheet is not one of ours
# calamine lays the sheet out as a dense grid (about 32 bytes a cell) before we see any row, so the grid
# spanned by the cells must match the file: a real sheet holds well under one cell per byte of xlsx.
MIN_GRID_CELLS = 2_000_000
GRID_CELLS_PER_BYTE = 2
MAX_GRID_CELLS = 25_000_000  # about 800 MB, whatever the size: Excel's 1,048,576 rows x 23 columns
# Unpacked size: a real xlsx unpacks to about 10 times its size, a zip bomb to 1000 times.
MIN_UNPACKED = 32 * 1024 * 1024
UNPACKED_PER_BYTE = 60
MAX_UNPACKED = 1024 * 1024 * 1024
_CHUNK = 2 * 1024 * 1024

_NOT_XLSX = ("فایل اکسل خوانا نیست: باید با قالب xlsx و بدون رمز ذخیره شده باشد؛ فایل‌های xls، ods یا رمزدار را "
             "در اکسل با «ذخیره به‌عنوان» به xlsx تبدیل کنید.")
_BROKEN = "فایل اکسل خوانا نیست یا آسیب دیده است."
_TOO_BIG = "فایل اکسل پس از باز شدن بیش از اندازه بزرگ است؛ فقط برگه داده را در فایلی تازه ذخیره کنید."
# Control characters carry nothing a person typed; PostgreSQL refuses NUL outright.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class UnreadableFile(ValueError):
    """Raised with a Persian message when a file cannot be read at all."""


def rows(data: bytes, file_name: str) -> Iterator[list[str]]:
    """Every row (the header included) as a list of normalised strings; blank xlsx rows are left out.
    Reading is lazy: an unreadable file raises UnreadableFile while the rows are being taken."""
    suffix = Path(file_name).suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return _xlsx_rows(data)
    if suffix in (".csv", ".txt", ""):
        return _csv_rows(data)
    raise UnreadableFile("فقط فایل‌های xlsx و CSV پذیرفته می‌شوند.")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # spreadsheet numbers: 84575948.0 -> 84575948
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()  # a Gregorian date cell; parsers accept it alongside Jalali text
    text = str(value)
    return normalize(text if text.isprintable() else _CONTROL.sub("", text))  # xlsx can carry NUL as "_x0000_"


# ---- CSV

def decode_csv(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16, tab-separated
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1256"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("فایل CSV با UTF-8 یا Windows-1256 خوانا نیست.")


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    text = decode_csv(data)
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    sample = text[:4096].replace("\r\n", "\n").replace("\r", "\n")  # the sniffer only splits lines on "\n"
    try:
        dialect: type[csv.Dialect] = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    exported = "'" in text  # our exports mark formula-like text with a leading quote: take it off again
    try:
        # newline="": the reader splits lines itself, so "\r\n", "\n" and old Macs' bare "\r" all end a row
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            if exported:
                row = [unguard(v) for v in row]
            yield [normalize(v) for v in row]  # CSV cells are always text: no number or date to convert
    except csv.Error as exc:  # a field over the size limit, a broken quote: say so, never a server error
        raise UnreadableFile("ساختار فایل CSV به‌هم ریخته است (نقل‌قولی بسته نشده یا خانه‌ای بیش از حد بلند)؛ "
                             "فایل را دوباره از اکسل با قالب CSV ذخیره کنید.") from exc


# ---- xlsx

def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    sheets = _measure_sheets(data)
    worst = max(sheets, key=lambda e: e.rows * e.columns, default=_Extent())
    far = f"{worst.column_letters}{worst.rows}"
    if max((e.columns for e in sheets), default=0) > MAX_COLUMNS:
        widest = max(sheets, key=lambda e: e.columns)
        raise UnreadableFile(f"برگه‌ای از فایل تا خانه {widest.column_letters}{widest.rows} پر شده است؛ بیش از "
                             f"{to_persian_digits(MAX_COLUMNS)} ستون پذیرفته نیست. ستون‌های اضافه را پاک کنید.")
    if max((e.rows for e in sheets), default=0) > MAX_ROWS:
        raise UnreadableFile(f"برگه‌ای از فایل بیش از {to_persian_digits(MAX_ROWS)} ردیف دارد.")
    if worst.rows * worst.columns > min(MAX_GRID_CELLS, max(MIN_GRID_CELLS, GRID_CELLS_PER_BYTE * len(data))):
        raise UnreadableFile(f"برگه‌ای از فایل خانه‌ای پر در {far} دارد، دور از بقیه داده؛ خانه‌های پر بیرون از "
                             "جدول را پاک کنید (یا جدول را در برگه‌ای تازه بچسبانید) و دوباره بفرستید.")
    yield from (_calamine_rows(data) if all(e.plain for e in sheets) else _streamed_rows(data))


@dataclass
class _Extent:
    """How far the cells of one member reach, as its raw XML says (a superset of what calamine will place)."""

    rows: int = 0
    columns: int = 0
    column_letters: str = ""
    plain: bool = True  # every cell names itself first and plainly (<c r="B7" ...>): the extent is exact


# A cell tag, in one of three forms. 1: plain (r first, then simple attributes, none of them another r, since
# calamine lets the last r win), captured. 2: plain and self-closing (<c r="G5000" s="3"/>, Excel's formatted
# blanks): calamine skips those, so they count for nothing. 3: anything else that opens a <c>: `plain` goes off.
_ATTRIBUTES = rb'(?: [a-qs-z][\w:.-]*+="[^"<>]*+"| r[\w:.-]++="[^"<>]*+")*+'
_CELL = re.compile(rb'<c(?: r="([A-Z]{1,3})([0-9]{1,7})"' + _ATTRIBUTES + rb'\s*>'
                   rb'| r="[A-Z]{1,3}[0-9]{1,7}"' + _ATTRIBUTES + rb'\s*/>|([\s/>]))')
_PREFIXED_CELL = re.compile(rb"<[^\s<>/]*:c[\s/>]")  # <x:c ...>: calamine reads prefixed tags too


def _measure_sheets(data: bytes) -> list[_Extent]:
    """Every member of the archive, measured on its own: calamine reads one sheet, and the workbook's
    relations may point that sheet at any member, so none is left out."""
    # calamine takes whatever it recognises (xls, xlsb, ods too), and only xlsx can be measured first.
    if not data.startswith(b"PK\x03\x04"):
        raise UnreadableFile(_NOT_XLSX)
    allowance = min(MAX_UNPACKED, max(MIN_UNPACKED, UNPACKED_PER_BYTE * len(data)))
    sheets = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [info.filename.lower() for info in archive.infolist()]
            if "content.xml" in names or any(n.endswith("workbook.bin") for n in names):
                raise UnreadableFile(_NOT_XLSX)
            for info in archive.infolist():
                sheets.append(_Extent())
                with archive.open(info) as member:
                    allowance = _scan(member, allowance, sheets[-1])
    except UnreadableFile:
        raise
    except Exception as exc:  # zipfile fails many ways (corrupt, encrypted, unknown compression): all "broken"
        raise UnreadableFile(_BROKEN) from exc
    return sheets


def _scan(member: IO[bytes], allowance: int, extent: _Extent) -> int:
    """Measure one member in chunks; its declared size is not trusted, the bytes read are counted."""
    tail = b""
    while chunk := member.read(_CHUNK):
        allowance -= len(chunk)
        if allowance < 0:
            raise UnreadableFile(_TOO_BIG)
        if not extent.plain:
            continue  # already bound for row-by-row reading; only the unpacked size still counts
        text = tail + chunk
        cut = text.rfind(b"<")  # a plain cell tag holds no "<": one cut before the last "<" never splits it
        if cut < 0 or len(text) - cut > 4096:  # no tag, or none short enough to be a plain cell: read it all
            tail = b""
        else:
            text, tail = text[:cut], text[cut:]
        _measure(text, extent)
    _measure(tail, extent)
    return allowance


def _measure(text: bytes, extent: _Extent) -> None:
    if not extent.plain or (b":c" in text and _PREFIXED_CELL.search(text)):
        extent.plain = False
        return
    found = _CELL.findall(text)  # C-level from here on: a sheet has millions of cells
    if any(map(itemgetter(2), found)):
        extent.plain = False
        return
    columns, numbers = set(map(itemgetter(0), found)), set(map(itemgetter(1), found))
    columns.discard(b"")
    numbers.discard(b"")
    if columns:
        widest = max(columns, key=_column_number)
        if _column_number(widest) > extent.columns:
            extent.columns, extent.column_letters = _column_number(widest), widest.decode()
        extent.rows = max(extent.rows, max(map(int, numbers)))


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _calamine_rows(data: bytes) -> Iterator[list[str]]:
    try:
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    except Exception as exc:  # a broken or renamed file: say so in Persian, never a server error
        raise UnreadableFile(_BROKEN) from exc
    for row in sheet.iter_rows():
        if row.count("") < len(row):  # iter_rows pads the rows above the first cell; blank rows are skipped
            yield [_cell(v) for v in row]


def _streamed_rows(data: bytes) -> Iterator[list[str]]:
    """Sheets whose cells do not all name themselves plainly (some generators leave r out): read row by row
    with openpyxl, which places such cells by counting, and never hold more than one row."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise UnreadableFile(_BROKEN) from exc
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the size the file states may lie; read what is there
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise UnreadableFile(f"برگه‌ای از فایل بیش از {to_persian_digits(MAX_ROWS)} ردیف دارد.")
            values = list(row)
            while values and values[-1] in (None, ""):
                values.pop()
            if len(values) > MAX_COLUMNS:
                raise UnreadableFile(f"ردیف {to_persian_digits(number)} برگه اول فایل بیش از "
                                     f"{to_persian_digits(MAX_COLUMNS)} ستون دارد. ستون‌های اضافه را پاک کنید.")
            if values:
                yield [_cell(v) for v in values]
    except UnreadableFile:
        raise
    except Exception as exc:
        raise UnreadableFile(_BROKEN) from exc
    finally:
        book.close()
