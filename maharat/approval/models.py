"""Monthly reporting periods: a unit submits its month, the province approves or returns it, HQ accepts it.

A period is (unit, Jalali year, Jalali month). Training records belong to the period of the month their
course run ends in, at the unit that runs it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("باز")
    SUBMITTED = "submitted", _("ارسال‌شده")
    RETURNED = "returned", _("برگشت‌خورده")
    APPROVED = "approved", _("تأییدشده استان")
    ACCEPTED = "accepted", _("پذیرفته‌شده ستاد")


LOCKED_STATUSES = (PeriodStatus.APPROVED, PeriodStatus.ACCEPTED)


class PeriodReport(models.Model):
    unit = models.ForeignKey("org.Unit", verbose_name=_("واحد"), on_delete=models.CASCADE, related_name="period_reports")
    year = models.PositiveSmallIntegerField(_("سال"))
    month = models.PositiveSmallIntegerField(_("ماه"))
    status = models.CharField(_("وضعیت"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    submitted_at = models.DateTimeField(_("زمان ارسال"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(_("زمان تأیید استان"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    accepted_at = models.DateTimeField(_("زمان پذیرش ستاد"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    return_reason = models.TextField(_("دلیل برگشت"), blank=True)

    class Meta:
        verbose_name = _("گزارش ماهانه")
        verbose_name_plural = _("گزارش‌های ماهانه")
        constraints = [models.UniqueConstraint(fields=["unit", "year", "month"], name="one_report_per_unit_month")]
        indexes = [models.Index(fields=["year", "month", "status"], name="period_year_month_status")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.year}/{self.month:02d}"


class PeriodException(models.Model):
    """Time-limited permission to edit one unit's locked month (granted by an approver, audited)."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("واحد"), on_delete=models.CASCADE, related_name="period_exceptions")
    year = models.PositiveSmallIntegerField(_("سال"))
    month = models.PositiveSmallIntegerField(_("ماه"))
    until = models.DateTimeField(_("مهلت تا"))
    reason = models.TextField(_("دلیل"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("اجازه ویرایش موقت")
        verbose_name_plural = _("اجازه‌های ویرایش موقت")

    def __str__(self) -> str:
        return f"{self.unit} — {self.year}/{self.month:02d}"


class ClosedPeriod(models.Model):
    """A month HQ has closed for the whole country: no more edits anywhere, whatever the deadline."""

    year = models.PositiveSmallIntegerField(_("سال"))
    month = models.PositiveSmallIntegerField(_("ماه"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("دوره بسته‌شده")
        verbose_name_plural = _("دوره‌های بسته‌شده")
        constraints = [models.UniqueConstraint(fields=["year", "month"], name="one_close_per_month")]

    def __str__(self) -> str:
        return f"{self.year}/{self.month:02d}"
