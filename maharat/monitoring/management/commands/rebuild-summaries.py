"""`maharat rebuild-summaries`: recompute every summary table from the raw training records."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from maharat.monitoring.summaries import rebuild


class Command(BaseCommand):
    help = "بازسازی جدول‌های خلاصه پایش از روی رکوردهای خام"

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        counts = rebuild()
        self.stdout.write(self.style.SUCCESS(
            f"summaries rebuilt in {time.monotonic() - started:.1f}s: " + ", ".join(f"{k}={v:,}" for k, v in counts.items())
        ))
