"""A kind's columns, and how a spreadsheet's header and cells become typed values or Persian problems."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from maharat.common.persian import normalize


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = True
    parse: Callable[[str], Any] = str
    choices: tuple[tuple[str, str], ...] = ()  # (stored value, Persian label): either is accepted
    example: str = ""
    help: str = ""


@dataclass
class Problem:
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass
class Outcome:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Row:
    number: int  # as the spreadsheet numbers it (header = 1)
    data: dict[str, Any]
    raw: dict[str, str]


@functools.lru_cache(maxsize=256)
def _choice_lookup(choices: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Stored value or normalised Persian label -> stored value, built once per column."""
    lookup = {normalize(str(label)): value for value, label in choices}
    lookup.update({value: value for value, _ in choices})
    return lookup


def header_map(columns: Iterable[Column], header: list[str]) -> tuple[dict[int, Column], list[Problem]]:
    """Which cell holds which column: by the Persian header or the column's key, in any order."""
    columns = tuple(columns)
    by_name: dict[str, Column] = {}
    for col in columns:
        by_name[normalize(col.header)] = col
        by_name[col.key.lower()] = col
    mapping: dict[int, Column] = {}
    problems = []
    for i, name in enumerate(header):
        if not name:
            continue
        found = by_name.get(normalize(name)) or by_name.get(name.strip().lower())
        if found is None:
            problems.append(Problem(1, name, name, "ستون ناشناخته است؛ نام ستون‌ها را از الگوی دریافتی بردارید."))
        elif found in mapping.values():
            problems.append(Problem(1, name, name, "این ستون دو بار آمده است."))
        else:
            mapping[i] = found
    for col in columns:
        if col.required and col not in mapping.values():
            problems.append(Problem(1, col.header, "", "ستون اجباری در فایل نیست."))
    return mapping, problems


def parse_row(number: int, cells: list[str], mapping: dict[int, Column]) -> tuple[Row, list[Problem]]:
    data: dict[str, Any] = {}
    raw: dict[str, str] = {}
    problems = []
    for i, col in mapping.items():
        text = cells[i].strip() if i < len(cells) else ""
        raw[col.key] = text
        if text == "":
            if col.required:
                problems.append(Problem(number, col.header, "", "این خانه نباید خالی باشد."))
            data[col.key] = None
            continue
        if col.choices:
            value = _choice_lookup(col.choices).get(text)
            if value is None:
                allowed = "، ".join(str(label) for _, label in col.choices[:12])
                problems.append(Problem(number, col.header, text, f"مقدار مجاز نیست؛ یکی از این‌ها: {allowed}"))
                continue
            text = value
        try:
            data[col.key] = col.parse(text)
        except (ValueError, ValidationError) as exc:
            message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
            problems.append(Problem(number, col.header, text, message or "مقدار نامعتبر است."))
    return Row(number, data, raw), problems
