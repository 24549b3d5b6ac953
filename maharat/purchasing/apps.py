from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasingConfig(AppConfig):
    name = "maharat.purchasing"
    verbose_name = _("خرید خدمات آموزشی")
