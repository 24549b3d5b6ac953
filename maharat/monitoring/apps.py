from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "maharat.monitoring"
    verbose_name = _("پایش و ارزیابی")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (keeps the summary tables in step with every write)
