"""The supervision checklist: items grouped by area, each citing the bylaw article it enforces, with a weight
in the visit's score. HQ edits a draft and publishes it as a new version; a published version is never
changed again, so a visit shows the very items it was scored against, whatever HQ changes later."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import rules


class Area(models.TextChoices):
    SAFETY = "safety", _("ایمنی کارگاه")
    TRAINERS = "trainers", _("صلاحیت مربیان")
    ATTENDANCE = "attendance", _("دفاتر حضور و غیاب")
    EQUIPMENT = "equipment", _("تجهیزات")
    FEES = "fees", _("شهریه")
    PREMISES = "premises", _("فضای آموزشی")


class Severity(models.TextChoices):
    MINOR = "minor", _("جزئی")
    MAJOR = "major", _("عمده")
    CRITICAL = "critical", _("بحرانی")


class ChecklistStatus(models.TextChoices):
    DRAFT = "draft", _("پیش‌نویس")
    PUBLISHED = "published", _("منتشرشده")


class ChecklistVersion(models.Model):
    number = models.PositiveSmallIntegerField(_("شماره نسخه"), unique=True)
    status = models.CharField(_("وضعیت"), max_length=10, choices=ChecklistStatus.choices,
                              default=ChecklistStatus.DRAFT)
    note = models.TextField(_("شرح تغییرات"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("تهیه‌کننده"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("زمان تهیه"), default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("منتشرکننده"),
                                     on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(_("زمان انتشار"), null=True, blank=True)

    class Meta:
        verbose_name = _("نسخه چک‌لیست نظارت")
        verbose_name_plural = _("نسخه‌های چک‌لیست نظارت")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["status"], condition=Q(status="draft"),
                                               name="checklist_one_draft")]

    def __str__(self) -> str:
        return str(_("چک‌لیست نظارت، نسخه {n}")).format(n=self.number)

    def get_absolute_url(self) -> str:
        return reverse("checklist_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == ChecklistStatus.DRAFT


class ChecklistItem(models.Model):
    version = models.ForeignKey(ChecklistVersion, verbose_name=_("نسخه"), on_delete=models.CASCADE,
                                related_name="items")
    area = models.CharField(_("حوزه"), max_length=12, choices=Area.choices)
    text = models.CharField(_("بند"), max_length=rules.ITEM_TEXT_MAX)
    article = models.CharField(_("مستند (ماده آیین‌نامه)"), max_length=rules.ARTICLE_MAX)
    weight = models.PositiveSmallIntegerField(_("وزن"), default=1, validators=[
        MinValueValidator(1), MaxValueValidator(rules.WEIGHT_MAX)])
    severity = models.CharField(_("شدت تخلف"), max_length=10, choices=Severity.choices, default=Severity.MAJOR)
    order = models.PositiveSmallIntegerField(_("ترتیب"), default=0)

    class Meta:
        verbose_name = _("بند چک‌لیست")
        verbose_name_plural = _("بندهای چک‌لیست")
        ordering = ["version", "order", "pk"]

    def __str__(self) -> str:
        return self.text
