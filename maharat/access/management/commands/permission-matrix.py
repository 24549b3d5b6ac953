"""`maharat permission-matrix [--write]`: the permission matrix from the apps' declarations (docs/permissions.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from maharat.access.matrix import markdown

DOC = Path(settings.BASE_DIR) / "docs" / "permissions.md"


class Command(BaseCommand):
    help = "جدول دسترسی نقش‌ها از اعلان‌های برنامه‌ها (docs/permissions.md)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help=f"write {DOC.name} instead of printing it")

    def handle(self, *args: Any, write: bool, **options: Any) -> None:
        text = markdown()
        if write:
            DOC.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {DOC}")
        else:
            self.stdout.write(text, ending="")
