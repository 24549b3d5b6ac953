"""What trainees pay and get back: the federation's maximum tuition, an institute's fee per course run, the
state training tariff (the lowest income deciles exempt), and the refunds owed when a course closes early.

Kept beside training rather than in it: a course run's fee is set on its page after it is entered, and is
checked against the maximum of its year whenever the run or the fee changes (rules.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maharat.catalog.models import Cluster, Standard


class TuitionCap(models.Model):
    """The national federation of institutes' guild associations sets a maximum tuition per hour for each
    skill level and cluster, for the coming Jalali year, due by 20 Esfand (bylaw, Art. 68). HQ enters it."""

    year = models.PositiveSmallIntegerField(_("سال"))
    cluster = models.CharField(_("خوشه"), max_length=20, choices=Cluster.choices)
    level = models.PositiveSmallIntegerField(_("سطح مهارت"), choices=Standard.Level.choices)
    per_hour = models.PositiveIntegerField(_("حداکثر شهریه هر ساعت (ریال)"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    entered_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now)

    class Meta:
        verbose_name = _("سقف شهریه")
        verbose_name_plural = _("سقف‌های شهریه")
        ordering = ["-year", "cluster", "level"]
        constraints = [models.UniqueConstraint(fields=["year", "cluster", "level"], name="tuition_cap_once")]

    def __str__(self) -> str:
        return f"{self.year} — {self.get_cluster_display()} — {self.get_level_display()}"

    def get_absolute_url(self) -> str:
        return reverse("fees_caps") + f"?year={self.year}"


class Tariff(models.Model):
    """The state training tariff per hour of a public course (تعرفه آموزشی, since 1404); trainees in the
    lowest `exempt_deciles` income deciles pay nothing."""

    year = models.PositiveSmallIntegerField(_("سال"), unique=True)
    per_hour = models.PositiveIntegerField(_("تعرفه هر ساعت (ریال)"))
    exempt_deciles = models.PositiveSmallIntegerField(_("دهک‌های معاف (از ۱ تا)"), default=5)

    class Meta:
        verbose_name = _("تعرفه آموزشی")
        verbose_name_plural = _("تعرفه‌های آموزشی")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)

    def get_absolute_url(self) -> str:
        return reverse("fees_caps") + f"?year={self.year}"


class CourseFee(models.Model):
    """An institute's tuition per trainee for one course run, and the maximum it was checked against."""

    course_run = models.OneToOneField("training.CourseRun", verbose_name=_("دوره"), on_delete=models.CASCADE,
                                      primary_key=True, related_name="fee")
    per_trainee = models.PositiveIntegerField(_("شهریه هر کارآموز (ریال)"))
    cap_per_hour = models.PositiveIntegerField(_("سقف هر ساعت هنگام ثبت (ریال)"), null=True, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("شهریه دوره")
        verbose_name_plural = _("شهریه دوره‌ها")

    def __str__(self) -> str:
        return f"{self.course_run_id}: {self.per_trainee}"

    def get_absolute_url(self) -> str:
        return reverse("courserun_detail", args=[self.course_run_id])


class EarlyClosure(models.Model):
    """A course run closed before its end date: allowed only with the trainees' written consent, and every
    trainee is refunded in full (bylaw, Art. 41)."""

    course_run = models.OneToOneField("training.CourseRun", verbose_name=_("دوره"), on_delete=models.CASCADE,
                                      related_name="early_closure")
    closed_on = models.DateField(_("تاریخ تعطیلی"))
    reason = models.TextField(_("دلیل"))
    consent_documented = models.BooleanField(_("رضایت کتبی کارآموزان پیوست است"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("تعطیلی زودهنگام دوره")
        verbose_name_plural = _("تعطیلی‌های زودهنگام دوره")

    def __str__(self) -> str:
        return f"{self.course_run_id}: {self.closed_on}"

    def get_absolute_url(self) -> str:
        return reverse("courserun_detail", args=[self.course_run_id])


class Refund(models.Model):
    """What one trainee is owed when their course closed early, and when it was paid back."""

    closure = models.ForeignKey(EarlyClosure, on_delete=models.CASCADE, related_name="refunds")
    enrollment = models.OneToOneField("training.Enrollment", verbose_name=_("ثبت‌نام"), on_delete=models.CASCADE,
                                      related_name="refund")
    amount = models.PositiveIntegerField(_("مبلغ (ریال)"))
    paid_on = models.DateField(_("تاریخ پرداخت"), null=True, blank=True)
    reference = models.CharField(_("شماره پیگیری پرداخت"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("بازپرداخت شهریه")
        verbose_name_plural = _("بازپرداخت‌های شهریه")
        ordering = ["closure", "enrollment"]

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("courserun_detail", args=[self.closure.course_run_id])
