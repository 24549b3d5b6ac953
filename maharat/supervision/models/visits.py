"""Supervision visits (بازدید نظارتی) of a free institute, their answers to the checklist and their findings.

    planned ──complete──▶ done ──close──▶ closed
       └──cancel──▶ cancelled

A visit belongs to the province that runs it (`province`): that is where it is seen and written. The institute
sees it through `disclosed_to`, set when the institute may know of it: at planning for a scheduled visit, only
once it has taken place for an unannounced one (an institute that could read its planned unannounced visits
would not be visited unannounced). The permission layer reads both paths (records.py), so no page, list,
attachment download or follow-up link can show an institute what it may not know yet.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from maharat.kit.workflow import permitted

from .. import rules
from .checklist import Area, ChecklistItem, ChecklistVersion, Severity


class VisitKind(models.TextChoices):
    SCHEDULED = "scheduled", _("با اطلاع قبلی")
    UNANNOUNCED = "unannounced", _("سرزده")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("برنامه‌ریزی‌شده")
    DONE = "done", _("انجام‌شده")
    CLOSED = "closed", _("بسته‌شده")
    CANCELLED = "cancelled", _("لغوشده")


HELD = (VisitStatus.DONE, VisitStatus.CLOSED)  # visits that took place: they count for the risk and the plan


class Visit(models.Model):
    number = models.CharField(_("شماره بازدید"), max_length=24, unique=True)
    institute = models.ForeignKey("org.Unit", verbose_name=_("آموزشگاه"), on_delete=models.PROTECT,
                                  related_name="supervision_visits")
    province = models.ForeignKey("org.Unit", verbose_name=_("استان"), on_delete=models.PROTECT, related_name="+")
    disclosed_to = models.ForeignKey("org.Unit", verbose_name=_("آگاه‌شده"), on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+", editable=False)
    kind = models.CharField(_("نوع بازدید"), max_length=12, choices=VisitKind.choices)
    planned_on = models.DateField(_("تاریخ برنامه"))
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("بازرسان"), blank=True,
                                        related_name="supervision_visits")
    checklist = models.ForeignKey(ChecklistVersion, verbose_name=_("نسخه چک‌لیست"), on_delete=models.PROTECT,
                                  related_name="visits")
    follow_up_of = models.ForeignKey("self", verbose_name=_("بازدید پیگیری برای"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="follow_ups")
    purpose = models.TextField(_("هدف بازدید"), blank=True)
    status = FSMField(_("وضعیت"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    visited_on = models.DateField(_("تاریخ انجام"), null=True, blank=True)
    points_earned = models.PositiveIntegerField(_("امتیاز کسب‌شده"), null=True, blank=True)
    points_possible = models.PositiveIntegerField(_("امتیاز قابل کسب"), null=True, blank=True)
    score = models.DecimalField(_("امتیاز (از ۱۰۰)"), max_digits=5, decimal_places=1, null=True, blank=True)
    summary = models.TextField(_("گزارش بازدید"), blank=True)  # what the institute reads
    internal_note = models.TextField(_("یادداشت داخلی بازرسان"), blank=True)  # never shown to the institute
    cancel_reason = models.TextField(_("دلیل لغو"), blank=True)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("برنامه‌ریز"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ثبت‌کننده نتیجه"),
                                     on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    completed_at = models.DateTimeField(_("زمان ثبت نتیجه"), null=True, blank=True)
    closed_at = models.DateTimeField(_("زمان بستن"), null=True, blank=True)

    class Meta:
        verbose_name = _("بازدید نظارتی")
        verbose_name_plural = _("بازدیدهای نظارتی")
        ordering = ["-planned_on", "-pk"]
        indexes = [models.Index(fields=["institute", "status", "visited_on"], name="visit_institute_held"),
                   models.Index(fields=["province", "status", "planned_on"], name="visit_province_plan")]

    def __str__(self) -> str:
        return f"{self.number} — {self.institute}"

    def get_absolute_url(self) -> str:
        return reverse("visit_detail", args=[self.pk])

    @property
    def held(self) -> bool:
        return self.status in HELD

    # ------------------------------------------------------------------- transitions (run via workflow.perform)
    @transition(field=status, source=VisitStatus.PLANNED, target=VisitStatus.DONE, permission=permitted("change"),
                custom={"label": _("ثبت نتیجه بازدید")})
    def complete(self, *, by: Any, reason: str = "", visited_on: Any = None, earned: int = 0, possible: int = 0,
                 score: Any = None, summary: str = "", internal_note: str = "") -> None:
        self.visited_on, self.points_earned, self.points_possible, self.score = visited_on, earned, possible, score
        self.summary, self.internal_note = summary, internal_note
        self.completed_by, self.completed_at = by, timezone.now()
        self.disclosed_to = self.institute  # it took place: the institute reads its report and findings

    @transition(field=status, source=VisitStatus.DONE, target=VisitStatus.CLOSED, permission=permitted("close"),
                custom={"label": _("بستن پرونده بازدید")})
    def close(self, *, by: Any, reason: str = "") -> None:
        self.closed_at = timezone.now()

    @transition(field=status, source=VisitStatus.PLANNED, target=VisitStatus.CANCELLED,
                permission=permitted("cancel"), custom={"label": _("لغو بازدید")})
    def cancel(self, *, by: Any, reason: str = "") -> None:
        self.cancel_reason = reason


class Result(models.TextChoices):
    PASS = "pass", _("منطبق")
    FAIL = "fail", _("نامنطبق")
    NA = "na", _("موضوعیت ندارد")


class Answer(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("بند"), on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("نتیجه"), max_length=4, choices=Result.choices)
    note = models.CharField(_("توضیح"), max_length=rules.ACTION_MAX, blank=True)

    class Meta:
        verbose_name = _("پاسخ بند چک‌لیست")
        verbose_name_plural = _("پاسخ‌های بند چک‌لیست")
        ordering = ["item__order", "item__pk"]
        constraints = [models.UniqueConstraint(fields=["visit", "item"], name="answer_once_per_item")]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_result_display()}"


class Finding(models.Model):
    """A shortcoming found on a visit: one per failed item, or one outside the checklist. Its corrective
    action is a follow-up item owed by the institute (followup.FollowUp, `source` = this finding)."""

    visit = models.ForeignKey(Visit, verbose_name=_("بازدید"), on_delete=models.PROTECT, related_name="findings")
    seq = models.PositiveSmallIntegerField(_("ردیف"))
    item = models.ForeignKey(ChecklistItem, verbose_name=_("بند چک‌لیست"), on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+")
    area = models.CharField(_("حوزه"), max_length=12, choices=Area.choices, blank=True)
    title = models.CharField(_("یافته"), max_length=rules.TITLE_MAX)
    article = models.CharField(_("مستند"), max_length=rules.ARTICLE_MAX, blank=True)
    severity = models.CharField(_("شدت"), max_length=10, choices=Severity.choices)
    action_plan = models.TextField(_("اقدام اصلاحی"))
    working_days = models.PositiveSmallIntegerField(_("مهلت (روز کاری)"))
    followup = models.OneToOneField("followup.FollowUp", verbose_name=_("پیگیری"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="supervision_finding")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now)

    class Meta:
        verbose_name = _("یافته بازدید")
        verbose_name_plural = _("یافته‌های بازدید")
        ordering = ["visit", "seq"]
        constraints = [models.UniqueConstraint(fields=["visit", "seq"], name="finding_seq_once")]

    def __str__(self) -> str:
        return f"{self.visit.number} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("visit_detail", args=[self.visit_id]) + f"#finding-{self.seq}"

    @property
    def label(self) -> str:
        """How the finding is named in its follow-up item and a board's decision."""
        return str(_("بازدید {number}، یافته {seq}")).format(number=self.visit.number, seq=self.seq)
