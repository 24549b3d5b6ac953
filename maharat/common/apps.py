from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "maharat.common"
    verbose_name = _("پایه")

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from .normalise import normalise_text

        pre_save.connect(normalise_text, dispatch_uid="maharat-normalise-text")
