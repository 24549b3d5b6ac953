from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    name = "maharat.attachments"
    verbose_name = _("پیوست‌ها")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the start-up checks)
