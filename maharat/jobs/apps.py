from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "maharat.jobs"
    verbose_name = _("کارهای پس‌زمینه")

    def ready(self) -> None:
        from . import exports  # noqa: F401  (registers the background export)
