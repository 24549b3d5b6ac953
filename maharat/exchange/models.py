"""A record of every import: who, when, which file (checksum), what happened, and its problems."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("در صف")
    RUNNING = "running", _("در حال پردازش")
    DONE = "done", _("انجام شد")
    REJECTED = "rejected", _("رد شد (خطا در داده)")
    FAILED = "failed", _("خطای سامانه")


class ImportBatch(models.Model):
    kind = models.CharField(_("نوع داده"), max_length=30)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("کاربر"), on_delete=models.SET_NULL, null=True,
                             related_name="+")
    file_name = models.CharField(_("نام فایل"), max_length=255)
    stored_path = models.CharField(max_length=500, blank=True)
    checksum = models.CharField(_("چکیده SHA-256"), max_length=64, db_index=True)
    dry_run = models.BooleanField(_("آزمایشی"), default=True)
    status = models.CharField(_("وضعیت"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total_rows = models.PositiveIntegerField(_("تعداد ردیف"), default=0)
    processed_rows = models.PositiveIntegerField(_("ردیف پردازش‌شده"), default=0)
    created = models.PositiveIntegerField(_("افزوده"), default=0)
    updated = models.PositiveIntegerField(_("به‌روز شده"), default=0)
    unchanged = models.PositiveIntegerField(_("بدون تغییر"), default=0)
    problem_count = models.PositiveIntegerField(_("تعداد خطا"), default=0)
    problems = models.JSONField(_("خطاها"), default=list, blank=True)  # [{row, column, value, message}], capped
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(_("زمان"), auto_now_add=True)
    finished_at = models.DateTimeField(_("پایان"), null=True, blank=True)

    class Meta:
        verbose_name = _("ورود داده")
        verbose_name_plural = _("ورود داده‌ها")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return int(self.processed_rows * 100 / self.total_rows) if self.total_rows else (100 if self.finished_at else 0)
