"""`maharat worker`: runs queued imports in the background (started by `make run`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from maharat.exchange.services import work


class Command(BaseCommand):
    help = "اجرای کارهای پس‌زمینه (ورود داده‌های بزرگ)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run what is queued, then stop")

    def handle(self, *args: Any, once: bool, **options: Any) -> None:
        done = work(once=once)
        if once:
            self.stdout.write(f"{done} queued import(s) processed")
