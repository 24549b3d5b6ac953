"""Complaints (شکایت) about a free institute from the public and trainees, sent through the public form with a
tracking code, routed to the institute's province and answered within a deadline in working days.

    received ──start──▶ in_progress ──answer──▶ answered
        └──────────reject (unfounded)─────┴──────▶ rejected

A complaint belongs to its province (`province`), where it is handled. The institute learns of it only once it
is answered or rejected (`disclosed_to`), and even then never who complained: not the name, nor the mobile,
nor the complainant's own words (which often say who they are); it reads the subject, the dates and the
province's answer, which is written knowing the institute reads it.
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
from maharat.workdays.deadlines import Deadline


class ComplainantKind(models.TextChoices):
    TRAINEE = "trainee", _("کارآموز یا مهارت‌آموز")
    GRADUATE = "graduate", _("دانش‌آموخته")
    PARENT = "parent", _("والدین یا همراه کارآموز")
    PUBLIC = "public", _("شهروند")


class Category(models.TextChoices):
    FEES = "fees", _("شهریه و بازپرداخت")
    SAFETY = "safety", _("ایمنی کارگاه")
    TRAINER = "trainer", _("مربی و کیفیت آموزش")
    ATTENDANCE = "attendance", _("برگزاری کلاس و حضور")
    CERTIFICATE = "certificate", _("آزمون و گواهینامه")
    CONDUCT = "conduct", _("رفتار کارکنان")
    PREMISES = "premises", _("فضا و تجهیزات")
    OTHER = "other", _("سایر")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("دریافت‌شده")
    IN_PROGRESS = "in_progress", _("در حال رسیدگی")
    ANSWERED = "answered", _("پاسخ داده شد")
    REJECTED = "rejected", _("بی‌اساس تشخیص داده شد")


OPEN_COMPLAINT = (ComplaintStatus.RECEIVED, ComplaintStatus.IN_PROGRESS)


class Complaint(models.Model):
    personal_data = True  # the complainant's name and mobile: reads of its page are audited

    tracking_code = models.CharField(_("کد رهگیری"), max_length=16, unique=True)
    institute = models.ForeignKey("org.Unit", verbose_name=_("آموزشگاه"), on_delete=models.PROTECT,
                                  related_name="+")
    province = models.ForeignKey("org.Unit", verbose_name=_("استان"), on_delete=models.PROTECT, related_name="+")
    disclosed_to = models.ForeignKey("org.Unit", verbose_name=_("آگاه‌شده"), on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+", editable=False)
    complainant_kind = models.CharField(_("شاکی"), max_length=10, choices=ComplainantKind.choices)
    category = models.CharField(_("موضوع"), max_length=12, choices=Category.choices)
    description = models.TextField(_("شرح شکایت"))
    name = models.CharField(_("نام شاکی"), max_length=120, blank=True)
    mobile = models.CharField(_("تلفن همراه شاکی"), max_length=11, blank=True)
    sms_consent = models.BooleanField(_("پیامک پاسخ"), default=False)
    received_at = models.DateTimeField(_("زمان دریافت"), default=timezone.now)
    received_on = models.DateField(_("تاریخ دریافت"))
    working_days = models.PositiveSmallIntegerField(_("مهلت پاسخ (روز کاری)"))
    due = models.DateField(_("مهلت پاسخ"))
    status = FSMField(_("وضعیت"), max_length=12, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED)
    answer = models.TextField(_("پاسخ"), blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("رسیدگی‌کننده"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(_("زمان پاسخ"), null=True, blank=True)

    class Meta:
        verbose_name = _("شکایت")
        verbose_name_plural = _("شکایت‌ها")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["province", "status", "due"], name="complaint_province_due"),
                   models.Index(fields=["institute", "received_on"], name="complaint_institute_day")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} — {self.institute}"

    def get_absolute_url(self) -> str:
        return reverse("complaint_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_COMPLAINT

    @property
    def deadline(self) -> Deadline:
        return Deadline(self.due)

    @property
    def overdue(self) -> bool:
        return self.is_open and self.deadline.overdue()

    @property
    def deadline_text(self) -> str:
        return Deadline(self.due).describe() if self.status in OPEN_COMPLAINT and self.due else ""

    @transition(field=status, source=ComplaintStatus.RECEIVED, target=ComplaintStatus.IN_PROGRESS,
                permission=permitted("change"), custom={"label": _("شروع رسیدگی")})
    def start(self, *, by: Any, reason: str = "") -> None:
        self.handled_by = by

    @transition(field=status, source=ComplaintStatus.IN_PROGRESS, target=ComplaintStatus.ANSWERED,
                permission=permitted("change"), custom={"label": _("ثبت پاسخ")})
    def respond(self, *, by: Any, reason: str = "") -> None:
        self.answer, self.handled_by, self.answered_at = reason, by, timezone.now()
        self.disclosed_to = self.institute

    @transition(field=status, source=list(OPEN_COMPLAINT), target=ComplaintStatus.REJECTED,
                permission=permitted("change"), custom={"label": _("رد به‌عنوان بی‌اساس")})
    def reject(self, *, by: Any, reason: str = "") -> None:
        self.answer, self.handled_by, self.answered_at = reason, by, timezone.now()
        self.disclosed_to = self.institute
