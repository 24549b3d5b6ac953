"""Reading spreadsheets as people actually send them: xlsx, CSV in UTF-8 (with or without BOM) or
Windows-1256 from older Excel; header names in Persian (or the English keys); any digits."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

from maharat.common.persian import normalize


class UnreadableFile(ValueError):
    """Raised with a Persian message when a file cannot be read at all."""


def decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1256"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("فایل CSV با UTF-8 یا Windows-1256 خوانا نیست.")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # spreadsheet numbers: 84575948.0 -> 84575948
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()  # a Gregorian date cell; parsers accept it alongside Jalali text
    return normalize(str(value))


def rows(data: bytes, file_name: str) -> Iterator[list[str]]:
    """Every row (the header included) as a list of normalised strings."""
    suffix = Path(file_name).suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        try:
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheet = book.get_sheet_by_index(0)
        except Exception as exc:  # a broken or renamed file: say so in Persian, never a server error
            raise UnreadableFile("فایل اکسل خوانا نیست یا آسیب دیده است.") from exc
        for row in sheet.to_python(skip_empty_area=True):
            yield [_cell(v) for v in row]
        return
    if suffix in (".csv", ".txt", ""):
        text = decode_csv(data)
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        for row in csv.reader(io.StringIO(text), dialect):
            yield [normalize(v) for v in row]  # CSV cells are always text: no number or date to convert
        return
    raise UnreadableFile("فقط فایل‌های xlsx و CSV پذیرفته می‌شوند.")
