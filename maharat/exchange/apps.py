from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "maharat.exchange"
    verbose_name = _("تبادل داده")

    def ready(self) -> None:
        # Every app's importers.py registers its kinds (and monitoring's hears of their writes): found once
        # here, at start-up, rather than on the first import page, so the worker and commands see them too.
        from maharat.kit.importing import discover

        discover()

        from . import services  # noqa: F401  (registers the background import with the jobs app)
