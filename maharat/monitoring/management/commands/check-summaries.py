"""`maharat check-summaries [--year 1404] [--unit IR-26] [--repair]`: the summary tables against the raw records.

Lists every differing row (table, key, live value, recomputed value); exits 1 when there are differences
and --repair was not given. With --repair the differing rows are rewritten from the raw records and one
audit entry records it (monitoring/verify.py).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maharat.monitoring.management.commands.scorecard import render_text_table
from maharat.monitoring.verify import TABLES, check
from maharat.org.models import Unit


class Command(BaseCommand):
    help = "بررسی جدول‌های خلاصه پایش در برابر رکوردهای خام (و ترمیم آن‌ها با --repair)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="Jalali year, e.g. 1404 (default: every year)")
        parser.add_argument("--unit", help="unit code: check only this unit and its subtree, e.g. IR-26")
        parser.add_argument("--repair", action="store_true", help="rewrite the differing rows from the raw records")
        parser.add_argument("--limit", type=int, default=50, help="differences listed per table (all are counted)")

    def handle(self, *args: Any, year: int | None, unit: str | None, repair: bool, limit: int, **options: Any) -> None:
        node = None
        if unit:
            node = Unit.objects.filter(code=unit.upper()).first()
            if node is None:
                raise CommandError(f"no unit with code {unit}")
        report = check(year=year, unit=node, repair=repair, limit=limit)
        scope = ", ".join(filter(None, [f"year {year}" if year else "", f"unit {node.code}" if node else ""])) or "everything"
        if report.differences:
            rows = report.display_rows()
            self.stdout.write(render_text_table(
                ["جدول / table", "کلید / key", "جدول خلاصه / live", "بازمحاسبه / recomputed"], rows))
        counts = ", ".join(f"{t.name} {report.counts[t.name]:,}/{report.checked[t.name]:,}" for t in TABLES)
        self.stdout.write(f"checked {scope} in {report.seconds:.1f}s — differing/recomputed rows: {counts}")
        if report.stale:
            self.stdout.write(self.style.WARNING(
                f"{report.stale:,} slices are waiting for the background refresh (a catalogue edit); differences there "
                "are expected until the worker has run / ارقام این بخش‌ها در حال به‌روزرسانی است"))
        if report.ok:
            self.stdout.write(self.style.SUCCESS("جدول‌های خلاصه با رکوردهای خام یکی است / summaries match the raw records"))
            return
        shown = len(report.differences)
        if shown < report.total:
            self.stdout.write(f"({shown:,} of {report.total:,} differences listed; --limit to see more)")
        if repair:
            self.stdout.write(self.style.SUCCESS(
                f"{report.repaired:,} ردیف ترمیم شد / repaired {report.repaired:,} slices (audit entry written)"))
            return
        raise CommandError(f"{report.total:,} differences / {report.total:,} مورد اختلاف — run with --repair to fix",
                           returncode=1)
