from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "maharat.access"
    verbose_name = _("دسترسی‌ها")

    def ready(self) -> None:
        from . import signals  # noqa: F401
