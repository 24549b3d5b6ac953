from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalConfig(AppConfig):
    name = "maharat.approval"
    verbose_name = _("تأیید داده و قفل دوره")
