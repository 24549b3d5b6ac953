"""A background job: what must be done, for whom, how far it has got and what came of it.

The job's row is the truth; the queue (Huey) only says when to run it. A message the queue lost, or a worker
killed in the middle, leaves a row that is not finished and whose lock nobody holds: the sweep
(services.sweep) hands it to a worker again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("در صف")
    RUNNING = "running", _("در حال انجام")
    DONE = "done", _("آماده")
    FAILED = "failed", _("ناموفق")


FINISHED = (JobStatus.DONE, JobStatus.FAILED)


class Job(models.Model):
    kind = models.CharField(_("نوع کار"), max_length=40)
    title = models.CharField(_("عنوان"), max_length=300)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("کاربر"), on_delete=models.CASCADE,
                             null=True, blank=True, related_name="jobs")
    params = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=8, default="fa")  # the language the user asked in: files and notices
    status = models.CharField(_("وضعیت"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(_("نتیجه"), blank=True)
    file = models.CharField(max_length=300, blank=True)  # the result's name in the jobs storage
    file_name = models.CharField(_("فایل"), max_length=255, blank=True)  # as the user downloads it
    file_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(_("دفعات اجرا"), default=0)
    created_at = models.DateTimeField(_("زمان درخواست"), auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)  # last handed to the queue (the sweep's clock)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("زمان پایان"), null=True, blank=True)

    class Meta:
        verbose_name = _("کار پس‌زمینه")
        verbose_name_plural = _("کارهای پس‌زمینه")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="job_status_created"),
                   models.Index(fields=["user", "-created_at"], name="job_user_created")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return min(99, int(self.done * 100 / self.total)) if self.total else 0
