from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "maharat.workdays"
    verbose_name = _("تقویم کاری")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import Holiday
        from .table import on_holiday_saved

        # Whatever channel writes a holiday, every process's copy of the table is read again.
        post_save.connect(on_holiday_saved, sender=Holiday, dispatch_uid="workdays-holiday-saved")
        post_delete.connect(on_holiday_saved, sender=Holiday, dispatch_uid="workdays-holiday-deleted")
