"""`maharat scorecard --year 1401 [--unit IR-26] [--indicator person_hours] [--format table|csv|xlsx]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maharat.common.tabular import csv_chunks, write_xlsx
from maharat.monitoring.reports import ScorecardReport
from maharat.org.models import Unit
from maharat.plans.indicators import INDICATORS
from maharat.plans.models import SCORECARD_SECTIONS, TOTAL


class Command(BaseCommand):
    help = "کارنامه عملکرد: استان‌ها (یا زیرمجموعه یک واحد) در برابر تعهدات یک سال"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Jalali year, e.g. 1401")
        parser.add_argument("--unit", default="IR", help="unit code; IR (default) for the national scorecard, IR-26 for Qazvin")
        parser.add_argument("--indicator", default="person_hours", choices=sorted(INDICATORS))
        parser.add_argument("--section", default=TOTAL, choices=SCORECARD_SECTIONS)
        parser.add_argument("--format", default="table", choices=["table", "csv", "xlsx"])
        parser.add_argument("--output", help="file to write (xlsx needs one; csv and table default to stdout)")

    def handle(self, *args: Any, year: int, unit: str, indicator: str, section: str, format: str,
               output: str | None, **options: Any) -> None:
        node = Unit.objects.filter(code=unit.upper()).first()
        if node is None:
            raise CommandError(f"no unit with code {unit}")
        # The page's own report: the same rows as its CSV and xlsx downloads.
        table = ScorecardReport(node, year, indicator, section).table()
        if format == "xlsx":
            if not output:
                raise CommandError("--format xlsx needs --output FILE.xlsx")
            with open(output, "wb") as fh:
                write_xlsx(table, fh)
            self.stdout.write(f"written {output}")
            return
        if format == "csv":
            data = b"".join(csv_chunks(table)).decode("utf-8-sig")
        else:
            data = render_text_table(table.headers, [list(r) for r in table.rows])
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(data)
        else:
            self.stdout.write(data, ending="")


def render_text_table(headers: list[str] | Any, rows: list[list[Any]]) -> str:
    """A plain text table for a terminal: numbers with thousands separators, columns padded."""
    def fmt(v: Any) -> str:
        if v is None:
            return "—"
        if isinstance(v, float):
            return f"{v:,.1f}" if abs(v) < 1000 and v != int(v) else f"{v:,.0f}"
        if isinstance(v, int):
            return f"{v:,}"
        return str(v)

    text = [[str(h) for h in headers]] + [[fmt(v) for v in r] for r in rows]
    widths = [max(len(row[i]) for row in text) for i in range(len(text[0]))]
    lines = [" | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in text]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"
