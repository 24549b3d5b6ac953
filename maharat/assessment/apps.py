from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "maharat.assessment"
    verbose_name = _("سنجش مهارت و گواهینامه")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (drops cached verification verdicts on change)
