from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "maharat.access"
    verbose_name = _("دسترسی‌ها")

    def ready(self) -> None:
        from . import checks, records, signals  # noqa: F401
        from .models import Account

        records.internal(Account, "an account's place in the tree: kept by account administrators in the admin")
        # Every app's records.py: what it holds and who may do what (read by the policy and the write path).
        records.discover()
