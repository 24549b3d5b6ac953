"""`maharat import FILE --kind KIND [--dry-run] [--user USERNAME]`: the same import as the web page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from maharat.exchange.models import ImportStatus
from maharat.exchange.services import start_import
from maharat.kit import importing


class Command(BaseCommand):
    help = "ورود داده از فایل xlsx یا CSV (همه یا هیچ)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--kind", required=True, choices=sorted(importing.kinds()))
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--user", help="import as this user (their scope applies); default: no scope limit")

    def handle(self, *args: Any, file: str, kind: str, dry_run: bool, user: str | None, **options: Any) -> None:
        path = Path(file)
        if not path.exists():
            raise CommandError(f"no such file: {file}")
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"no such user: {user}")
        batch = start_import(user=account, kind=kind, file_name=path.name, data=path.read_bytes(), dry_run=dry_run,
                             background=False)
        self.stdout.write(f"{batch.get_status_display()}: rows={batch.total_rows} created={batch.created} "
                          f"updated={batch.updated} unchanged={batch.unchanged} problems={batch.problem_count}"
                          + (" (dry run: nothing written)" if dry_run else ""))
        for p in batch.problems[:50]:
            self.stdout.write(f"  ردیف {p['row']} · {p['column']} · «{p['value']}»: {p['message']}")
        if batch.status != ImportStatus.DONE:
            raise CommandError("nothing was imported: fix the rows above and run again")
