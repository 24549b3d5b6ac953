"""`maharat sms-status`: send e-mail and SMS left queued (a process stopped before handing them over) and ask the provider
about messages not yet confirmed. Meant for a periodic job (every few minutes); safe to run at any time."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from maharat.notify import services, sms


class Command(BaseCommand):
    help = "Send queued e-mail and SMS and refresh the delivery status of sent ones"

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.send_queued()
        updated = sms.refresh_delivery()
        self.stdout.write(f"sent {sent} queued message(s); {updated} delivery status(es) updated")
