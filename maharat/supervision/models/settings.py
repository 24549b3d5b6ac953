"""The risk formula's weights and the visit intervals, set by HQ (one row; the defaults are the ones
docs/supervision.md explains). Every change is audited with its old and new values (access.writes)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _weight(label: Any, default: str, high: int = 100) -> models.DecimalField:
    return models.DecimalField(label, max_digits=6, decimal_places=2, default=Decimal(default),
                               validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(high))])


def _months(label: Any, default: int, high: int = 60) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, default=default,
                                            validators=[MinValueValidator(1), MaxValueValidator(high)])


class RiskSettings(models.Model):
    window_months = _months(_("بازه یافته‌ها و شکایت‌ها (ماه)"), 24)
    weight_minor = _weight(_("امتیاز هر یافته جزئی"), "1")
    weight_major = _weight(_("امتیاز هر یافته عمده"), "3")
    weight_critical = _weight(_("امتیاز هر یافته بحرانی"), "6")
    weight_complaint = _weight(_("امتیاز هر شکایت (جز شکایت بی‌اساس)"), "2")
    weight_outcome = _weight(_("امتیاز نتایج ضعیف (در نرخ صفر)"), "10")
    weight_month = _weight(_("امتیاز هر ماه از آخرین بازدید"), "0.5")
    time_cap_months = _months(_("سقف ماه‌های شمرده‌شده از آخرین بازدید"), 36, high=120)
    interval_grade_1 = _months(_("فاصله بازدید درجه یک (ماه)"), 24)
    interval_grade_2 = _months(_("فاصله بازدید درجه دو (ماه)"), 12)
    interval_grade_3 = _months(_("فاصله بازدید درجه سه (ماه)"), 6)
    high_risk = _weight(_("آستانه ریسک بالا"), "15", high=1000)
    high_risk_factor = models.DecimalField(_("ضریب کوتاه شدن فاصله در ریسک بالا"), max_digits=3, decimal_places=2,
                                           default=Decimal("0.5"),
                                           validators=[MinValueValidator(Decimal("0.1")),
                                                       MaxValueValidator(Decimal(1))])
    complaint_working_days = _months(_("مهلت پاسخ شکایت (روز کاری)"), 10)
    corrective_working_days = _months(_("مهلت پیش‌فرض اقدام اصلاحی (روز کاری)"), 10, high=120)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("آخرین تغییر توسط"),
                                   on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("زمان آخرین تغییر"), default=timezone.now)

    class Meta:
        verbose_name = _("وزن‌های ریسک و فاصله بازدید")
        verbose_name_plural = _("وزن‌های ریسک و فاصله بازدید")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    def interval_for(self, grade: int) -> int:
        return {1: self.interval_grade_1, 2: self.interval_grade_2, 3: self.interval_grade_3}.get(
            grade, self.interval_grade_2)

    def severity_weight(self, severity: str) -> Decimal:
        return {"minor": self.weight_minor, "major": self.weight_major, "critical": self.weight_critical}[severity]


EDITABLE = [f.name for f in RiskSettings._meta.concrete_fields if f.name not in ("id", "updated_by", "updated_at")]
