from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "maharat.supervision"
    verbose_name = _("نظارت و شکایات")
