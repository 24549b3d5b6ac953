from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutesConfig(AppConfig):
    name = "maharat.institutes"
    verbose_name = _("آموزشگاه‌های آزاد")
