"""Low-cost loans to free institutes (تسهیلات کم‌بهره): HQ's programmes, the institutes' loans, their
repayment schedules and the repayments recorded against them.

    submitted ──approve──▶ approved ──disburse──▶ disbursed ──(first repayment)──▶ repaying ──(paid off)──▶ repaid
        │                                            │                              │
        └──reject──▶ rejected                        └──────declare_default─────────┴──▶ defaulted ──write_off──▶ written_off
                                                                                          └──(recovered in full)──▶ repaid

A loan's terms (rate, grace) are the programme's on the day it was applied for, copied onto it: HQ changing a
programme later changes no loan already asked for. Its schedule is made once, at disbursement
(schedule.py), and never edited; what was paid of each instalment follows from the repayments (Allocation).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from maharat.common import jalali
from maharat.kit.workflow import permitted

from . import rules


class LoanProgramme(models.Model):
    """A funding line of one Jalali year (خط اعتباری): its budget and the terms every loan under it gets."""

    year = models.PositiveSmallIntegerField(_("سال"), validators=[
        MinValueValidator(jalali.YEAR_MIN), MaxValueValidator(jalali.YEAR_MAX)])
    title = models.CharField(_("عنوان برنامه"), max_length=rules.TITLE_MAX)
    budget = models.PositiveBigIntegerField(_("اعتبار کل (ریال)"))
    interest_rate = models.DecimalField(_("نرخ سود سالانه (درصد)"), max_digits=5, decimal_places=2)
    max_amount = models.PositiveBigIntegerField(_("سقف هر تسهیلات (ریال)"))
    max_term_months = models.PositiveSmallIntegerField(_("حداکثر مدت (ماه، با دوران تنفس)"))
    grace_months = models.PositiveSmallIntegerField(_("دوران تنفس (ماه)"), default=0)
    # Requests above this are decided by HQ's planner; up to it, by the provincial manager (records.py).
    hq_threshold = models.PositiveBigIntegerField(_("سقف تصویب در استان (ریال)"))
    is_open = models.BooleanField(_("در حال پذیرش درخواست"), default=True)
    notes = models.TextField(_("توضیحات"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now)

    class Meta:
        verbose_name = _("برنامه تسهیلات")
        verbose_name_plural = _("برنامه‌های تسهیلات")
        ordering = ["-year", "title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "title"], name="loan_programme_once_a_year"),
            models.CheckConstraint(condition=models.Q(grace_months__lt=models.F("max_term_months")),
                                   name="loan_programme_grace_within_term"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("loan_programme_detail", args=[self.pk])


class Purpose(models.TextChoices):
    EQUIPMENT = "equipment", _("خرید تجهیزات کارگاهی")
    PREMISES = "premises", _("خرید، توسعه یا بازسازی فضای آموزشی")
    ICT = "ict", _("رایانه، نرم‌افزار و آموزش مجازی")
    SAFETY = "safety", _("ایمنی و بهداشت کارگاه")
    WORKING_CAPITAL = "working_capital", _("سرمایه در گردش")
    OTHER = "other", _("سایر")


class LoanStatus(models.TextChoices):
    SUBMITTED = "submitted", _("در انتظار تصمیم")
    APPROVED = "approved", _("تصویب‌شده، در انتظار پرداخت")
    REJECTED = "rejected", _("ردشده")
    DISBURSED = "disbursed", _("پرداخت‌شده، پیش از نخستین بازپرداخت")
    REPAYING = "repaying", _("در حال بازپرداخت")
    REPAID = "repaid", _("تسویه‌شده")
    DEFAULTED = "defaulted", _("نکول‌شده")
    WRITTEN_OFF = "written_off", _("سوخت‌شده")


S = LoanStatus
# What the programme has promised: every loan approved, whatever became of it since (the remaining budget).
COMMITTED = (S.APPROVED, S.DISBURSED, S.REPAYING, S.REPAID, S.DEFAULTED, S.WRITTEN_OFF)
# Paid out to the institute.
DISBURSED = (S.DISBURSED, S.REPAYING, S.REPAID, S.DEFAULTED, S.WRITTEN_OFF)
# Still owed: their unpaid instalments are the outstanding (and, once due, the overdue) amounts.
OWING = (S.DISBURSED, S.REPAYING, S.DEFAULTED)
# Repayments are recorded (a defaulted loan still recovers what it can).
REPAYABLE = OWING
# The daily reminders chase these (a defaulted loan is with HQ, past reminders).
REMINDED = (S.DISBURSED, S.REPAYING)
# An institute has one loan at a time in a programme: another only after the first was rejected or repaid.
CLOSED_FOR_ANOTHER = (S.REJECTED, S.REPAID)


class Loan(models.Model):
    number = models.CharField(_("شماره تسهیلات"), max_length=40, unique=True, editable=False)
    programme = models.ForeignKey(LoanProgramme, verbose_name=_("برنامه"), on_delete=models.PROTECT,
                                  related_name="loans")
    institute = models.ForeignKey("org.Unit", verbose_name=_("آموزشگاه آزاد"), on_delete=models.PROTECT,
                                  related_name="loans")
    # The institute's province when it applied: the figures of a province and its overdue list group by it.
    province = models.ForeignKey("org.Unit", verbose_name=_("استان"), on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("موضوع مصرف"), max_length=20, choices=Purpose.choices)
    description = models.TextField(_("شرح طرح"))
    requested_amount = models.PositiveBigIntegerField(_("مبلغ درخواستی (ریال)"))
    term_months = models.PositiveSmallIntegerField(_("مدت (ماه، با دوران تنفس)"))
    interest_rate = models.DecimalField(_("نرخ سود سالانه (درصد)"), max_digits=5, decimal_places=2)
    grace_months = models.PositiveSmallIntegerField(_("دوران تنفس (ماه)"))
    received_on = models.DateField(_("تاریخ درخواست"))
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now)
    status = FSMField(_("وضعیت"), max_length=12, choices=LoanStatus.choices, default=LoanStatus.SUBMITTED)
    approved_amount = models.PositiveBigIntegerField(_("مبلغ مصوب (ریال)"), null=True, blank=True)
    decision_note = models.TextField(_("دلیل کاهش مبلغ یا رد"), blank=True)
    decided_on = models.DateField(_("تاریخ تصمیم"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    disbursed_on = models.DateField(_("تاریخ پرداخت"), null=True, blank=True)
    disbursement_reference = models.CharField(_("شماره مرجع پرداخت"), max_length=rules.REFERENCE_MAX, blank=True)
    disbursed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    defaulted_on = models.DateField(_("تاریخ اعلام نکول"), null=True, blank=True)
    default_reason = models.TextField(_("دلیل اعلام نکول"), blank=True)
    closed_on = models.DateField(_("تاریخ تسویه یا سوخت"), null=True, blank=True)
    write_off_reason = models.TextField(_("دلیل سوخت"), blank=True)

    class Meta:
        verbose_name = _("تسهیلات")
        verbose_name_plural = _("تسهیلات آموزشگاه‌ها")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["province", "status"], name="loan_province_status"),
                   models.Index(fields=["institute", "programme"], name="loan_institute_programme"),
                   models.Index(fields=["programme", "status"], name="loan_programme_status")]
        constraints = [
            models.CheckConstraint(condition=models.Q(requested_amount__gte=1), name="loan_amount_positive"),
            models.CheckConstraint(condition=models.Q(approved_amount__isnull=True)
                                   | models.Q(approved_amount__lte=models.F("requested_amount")),
                                   name="loan_approved_within_requested"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("loan_detail", args=[self.pk])

    @property
    def amount(self) -> int:
        """The amount that counts: approved once decided, else the one asked for."""
        return int(self.approved_amount if self.approved_amount is not None else self.requested_amount)

    @property
    def reduced(self) -> bool:
        return self.approved_amount is not None and self.approved_amount < self.requested_amount

    # --------------------------------------------------------------------------------------- transitions
    # Each is run by kit.workflow.perform from services.py, which checks every value first; they only set them.
    @transition(field=status, source=S.SUBMITTED, target=S.APPROVED, permission=permitted("decide"),
                custom={"label": _("تصویب")})
    def approve(self, *, by: Any, reason: str = "", amount: int, on: dt.date) -> None:
        self.approved_amount, self.decision_note, self.decided_on, self.decided_by = amount, reason, on, by

    @transition(field=status, source=S.SUBMITTED, target=S.REJECTED, permission=permitted("decide"),
                custom={"label": _("رد درخواست")})
    def reject(self, *, by: Any, reason: str = "", on: dt.date) -> None:
        self.decision_note, self.decided_on, self.decided_by = reason, on, by

    @transition(field=status, source=S.APPROVED, target=S.DISBURSED, permission=permitted("disburse"),
                custom={"label": _("ثبت پرداخت تسهیلات")})
    def disburse(self, *, by: Any, reason: str = "", on: dt.date, reference: str) -> None:
        self.disbursed_on, self.disbursement_reference, self.disbursed_by = on, reference, by

    # Followed by services.record_repayment itself, never offered as a button (views.AUTOMATIC).
    @transition(field=status, source=S.DISBURSED, target=S.REPAYING, permission=permitted("collect"),
                custom={"label": _("آغاز بازپرداخت")})
    def start_repaying(self, *, by: Any, reason: str = "") -> None:
        pass

    @transition(field=status, source=[S.REPAYING, S.DEFAULTED], target=S.REPAID, permission=permitted("collect"),
                custom={"label": _("تسویه")})
    def settle(self, *, by: Any, reason: str = "", on: dt.date) -> None:
        self.closed_on = on

    @transition(field=status, source=[S.DISBURSED, S.REPAYING], target=S.DEFAULTED, permission=permitted("default"),
                custom={"label": _("اعلام نکول")})
    def declare_default(self, *, by: Any, reason: str = "", on: dt.date) -> None:
        self.defaulted_on, self.default_reason = on, reason

    @transition(field=status, source=S.DEFAULTED, target=S.WRITTEN_OFF, permission=permitted("write_off"),
                custom={"label": _("سوخت مطالبات")})
    def write_off(self, *, by: Any, reason: str = "", on: dt.date) -> None:
        self.closed_on, self.write_off_reason = on, reason


class Instalment(models.Model):
    """One month of a loan's schedule (قسط): made at disbursement, never edited except what was paid of it."""

    loan = models.ForeignKey(Loan, verbose_name=_("تسهیلات"), on_delete=models.PROTECT, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("شماره قسط"))
    due_date = models.DateField(_("سررسید"))
    principal = models.PositiveBigIntegerField(_("اصل (ریال)"))
    interest = models.PositiveBigIntegerField(_("سود (ریال)"))
    amount = models.PositiveBigIntegerField(_("مبلغ قسط (ریال)"))
    # The sum of its allocations (services.record_repayment keeps it with them, in the same transaction).
    paid = models.PositiveBigIntegerField(_("پرداخت‌شده (ریال)"), default=0)

    class Meta:
        verbose_name = _("قسط تسهیلات")
        verbose_name_plural = _("اقساط تسهیلات")
        ordering = ["loan", "number"]
        indexes = [models.Index(fields=["due_date"], name="loan_instalment_due")]
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="loan_instalment_once"),
            models.CheckConstraint(condition=models.Q(paid__lte=models.F("amount")), name="loan_instalment_not_overpaid"),
            models.CheckConstraint(condition=models.Q(amount=models.F("principal") + models.F("interest")),
                                   name="loan_instalment_sums"),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id}/{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("loan_detail", args=[self.loan_id])

    # Plain fields only: the overdue export computes these from each row's own values (kit.reports).
    @property
    def remaining(self) -> int:
        return int(self.amount - self.paid)

    @property
    def days_late(self) -> int:
        """Days since the due date while something of it is unpaid (0 on the due date, and once paid)."""
        amount, paid, due = self.amount, self.paid, self.due_date  # all three read, whatever the branch
        if amount - paid <= 0:
            return 0
        return max((timezone.localdate() - due).days, 0)


class Repayment(models.Model):
    """Money the institute paid back (بازپرداخت): applied to the oldest unpaid instalment first."""

    loan = models.ForeignKey(Loan, verbose_name=_("تسهیلات"), on_delete=models.PROTECT, related_name="repayments")
    paid_on = models.DateField(_("تاریخ پرداخت"))
    amount = models.PositiveBigIntegerField(_("مبلغ (ریال)"))
    reference = models.CharField(_("شماره مرجع"), max_length=rules.REFERENCE_MAX)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now)

    class Meta:
        verbose_name = _("بازپرداخت")
        verbose_name_plural = _("بازپرداخت‌ها")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "reference"], name="loan_repayment_reference_once"),
            models.CheckConstraint(condition=models.Q(amount__gte=1), name="loan_repayment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}"

    def get_absolute_url(self) -> str:
        return reverse("loan_detail", args=[self.loan_id])


class Allocation(models.Model):
    """The part of a repayment that went to one instalment."""

    repayment = models.ForeignKey(Repayment, on_delete=models.PROTECT, related_name="allocations")
    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="allocations")
    amount = models.PositiveBigIntegerField(_("مبلغ (ریال)"))

    class Meta:
        verbose_name = _("تخصیص بازپرداخت")
        verbose_name_plural = _("تخصیص‌های بازپرداخت")
        constraints = [models.UniqueConstraint(fields=["repayment", "instalment"], name="loan_allocation_once"),
                       models.CheckConstraint(condition=models.Q(amount__gte=1), name="loan_allocation_positive")]

    def __str__(self) -> str:
        return f"{self.repayment_id}→{self.instalment_id}"
