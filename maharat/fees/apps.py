from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeesConfig(AppConfig):
    name = "maharat.fees"
    verbose_name = _("شهریه و تعرفه آموزشی")
