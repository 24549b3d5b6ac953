"""Monthly reporting periods: a unit submits its month, the province approves or returns it, HQ accepts it.

A period is (unit, Jalali year, Jalali month). Training records belong to the period of the month their
course run ends in, at the unit that runs it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from maharat.audit.models import AuditAction
from maharat.kit.workflow import permitted


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("باز")
    SUBMITTED = "submitted", _("ارسال‌شده")
    RETURNED = "returned", _("برگشت‌خورده")
    APPROVED = "approved", _("تأییدشده استان")
    ACCEPTED = "accepted", _("پذیرفته‌شده ستاد")


LOCKED_STATUSES = (PeriodStatus.APPROVED, PeriodStatus.ACCEPTED)


class PeriodReport(models.Model):
    """A unit's month, and the workflow it goes through. Each transition is declared once, here; the service
    layer runs them through kit.workflow.perform (permission, Persian refusal, save, audit)."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("واحد"), on_delete=models.CASCADE, related_name="period_reports")
    year = models.PositiveSmallIntegerField(_("سال"))
    month = models.PositiveSmallIntegerField(_("ماه"))
    status = FSMField(_("وضعیت"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
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

    @transition(field=status, source=[PeriodStatus.OPEN, PeriodStatus.RETURNED], target=PeriodStatus.SUBMITTED,
                permission=permitted("submit"), custom={"label": _("ارسال"), "audit": AuditAction.SUBMIT})
    def submit(self, *, by: Any, reason: str = "") -> None:
        self.submitted_at, self.submitted_by = timezone.now(), by

    @transition(field=status, source=PeriodStatus.SUBMITTED, target=PeriodStatus.APPROVED,
                permission=permitted("approve"), custom={"label": _("تأیید"), "audit": AuditAction.APPROVE})
    def approve(self, *, by: Any, reason: str = "") -> None:
        self.approved_at, self.approved_by, self.return_reason = timezone.now(), by, ""

    @transition(field=status, source=PeriodStatus.APPROVED, target=PeriodStatus.ACCEPTED,
                permission=permitted("accept"), custom={"label": _("پذیرش"), "audit": AuditAction.ACCEPT})
    def accept(self, *, by: Any, reason: str = "") -> None:
        self.accepted_at, self.accepted_by = timezone.now(), by

    @transition(field=status, source=[PeriodStatus.SUBMITTED, PeriodStatus.APPROVED], target=PeriodStatus.RETURNED,
                permission=permitted("return"), custom={"label": _("برگشت برای اصلاح"), "audit": AuditAction.RETURN})
    def send_back(self, *, by: Any, reason: str = "") -> None:
        self.return_reason = reason
        # A returned month is no longer sent: whether it was sent on time is decided by its next submission (the
        # first one stays in the audit trail).
        self.submitted_at = None


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
