from django.db import models
from django.utils.translation import gettext_lazy as _


class EquipmentLoan(models.Model):
    code = models.CharField(_("کد امانت"), max_length=20, unique=True)
    item = models.CharField(_("تجهیزات"), max_length=100)
    quantity = models.PositiveIntegerField(_("تعداد"))
    unit = models.ForeignKey("org.Unit", verbose_name=_("واحد امانت‌دهنده"), on_delete=models.PROTECT,
                             related_name="+")

    class Meta:
        verbose_name = _("امانت تجهیزات")
        verbose_name_plural = _("امانت‌های تجهیزات")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
