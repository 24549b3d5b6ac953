"""`maharat template KIND [--output FILE]`: the import template for a kind of data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from maharat.exchange.services import template_xlsx
from maharat.kit import importing


class Command(BaseCommand):
    help = "الگوی اکسل ورود داده"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(importing.kinds()))
        parser.add_argument("--output", help="default: KIND.xlsx")

    def handle(self, *args: Any, kind: str, output: str | None, **options: Any) -> None:
        target = output or f"{kind}.xlsx"
        with open(target, "wb") as fh:
            fh.write(template_xlsx(kind))
        self.stdout.write(f"written {target}")
