"""`maharat worker`: the background worker (started by `make run`): Huey's consumer, running jobs and the
periodic tasks (the sweep for lost jobs, figures to recompute, the daily reminders)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from maharat.jobs.services import run_queued


class Command(BaseCommand):
    help = "اجرای کارهای پس‌زمینه و کارهای زمان‌بندی‌شده"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run the unfinished jobs here, then stop")

    def handle(self, *args: Any, once: bool, **options: Any) -> None:
        if once:
            done = run_queued()
            self.stdout.write(f"{done} job(s) run")
            return
        call_command("run_huey")
