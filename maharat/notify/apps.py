from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "maharat.notify"
    verbose_name = _("پیام‌ها و اعلان‌ها")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the SMS settings check)
