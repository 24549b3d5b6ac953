"""Skill assessment (آزمون مهارت) and skill certificates (گواهینامه مهارت)."""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class PassRule(models.Model):
    """Pass marks of a standard's skill test (out of 100). Standards without a rule use the defaults."""

    DEFAULT_THEORY, DEFAULT_PRACTICE = 50, 70

    standard = models.OneToOneField("catalog.Standard", verbose_name=_("استاندارد"), on_delete=models.CASCADE, related_name="pass_rule")
    min_theory = models.PositiveSmallIntegerField(_("حد نصاب نظری"), default=DEFAULT_THEORY)
    min_practice = models.PositiveSmallIntegerField(_("حد نصاب عملی"), default=DEFAULT_PRACTICE)

    class Meta:
        verbose_name = _("قاعده قبولی")
        verbose_name_plural = _("قواعد قبولی")

    def __str__(self) -> str:
        return f"{self.standard} {self.min_theory}/{self.min_practice}"


class TestSession(models.Model):
    """One sitting of a standard's skill test, held by an assessment center or a training unit acting as assessor."""

    code = models.CharField(_("کد آزمون"), max_length=40, unique=True)
    standard = models.ForeignKey("catalog.Standard", verbose_name=_("استاندارد"), on_delete=models.PROTECT, related_name="test_sessions")
    assessor_unit = models.ForeignKey("org.Unit", verbose_name=_("واحد برگزارکننده آزمون"), on_delete=models.PROTECT,
                                      related_name="test_sessions")
    held_on = models.DateField(_("تاریخ آزمون"))
    capacity = models.PositiveSmallIntegerField(_("ظرفیت"), default=30)
    is_closed = models.BooleanField(_("نتایج نهایی شده"), default=False)

    class Meta:
        verbose_name = _("آزمون مهارت")
        verbose_name_plural = _("آزمون‌های مهارت")
        ordering = ["-held_on", "code"]

    def __str__(self) -> str:
        return f"{self.standard.local_title} — {self.code}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("testsession_detail", args=[self.pk])


class Result(models.TextChoices):
    PENDING = "pending", _("در انتظار نتیجه")
    PASS = "pass", _("قبول")
    FAIL = "fail", _("مردود")
    ABSENT = "absent", _("غایب")


class Candidate(models.Model):
    session = models.ForeignKey(TestSession, verbose_name=_("آزمون"), on_delete=models.CASCADE, related_name="candidates")
    trainee = models.ForeignKey("people.Trainee", verbose_name=_("داوطلب"), on_delete=models.PROTECT, related_name="candidacies")
    enrollment = models.ForeignKey("training.Enrollment", verbose_name=_("دوره گذرانده"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="candidacies",
                                   help_text=_("خالی برای شناسایی مهارت‌های قبلی (بدون دوره)"))
    theory_score = models.PositiveSmallIntegerField(_("نمره نظری"), null=True, blank=True)
    practice_score = models.PositiveSmallIntegerField(_("نمره عملی"), null=True, blank=True)
    result = models.CharField(_("نتیجه"), max_length=8, choices=Result.choices, default=Result.PENDING)
    attempt = models.PositiveSmallIntegerField(_("نوبت"), default=1)

    class Meta:
        verbose_name = _("داوطلب")
        verbose_name_plural = _("داوطلبان")
        constraints = [
            models.UniqueConstraint(fields=["session", "trainee"], name="candidate_once_per_session",
                                    violation_error_message=_("این داوطلب قبلاً در این آزمون ثبت شده است.")),
            models.CheckConstraint(condition=models.Q(theory_score__isnull=True) | models.Q(theory_score__lte=100),
                                   name="theory_score_range"),
            models.CheckConstraint(condition=models.Q(practice_score__isnull=True) | models.Q(practice_score__lte=100),
                                   name="practice_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} — {self.session.code}"

    @property
    def is_rpl(self) -> bool:
        return self.enrollment_id is None


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("معتبر")
    SUSPENDED = "suspended", _("معلق")
    REVOKED = "revoked", _("باطل‌شده")


class Certificate(models.Model):
    """A skill certificate: one per trainee and standard; a re-issue replaces it in place."""

    verbatim_fields = ("payload", "signature")  # signed bytes: never normalised (common/normalise.py)
    serial = models.CharField(_("شماره گواهینامه"), max_length=24, unique=True)
    trainee = models.ForeignKey("people.Trainee", verbose_name=_("دارنده"), on_delete=models.PROTECT, related_name="certificates")
    standard = models.ForeignKey("catalog.Standard", verbose_name=_("استاندارد"), on_delete=models.PROTECT, related_name="certificates")
    candidate = models.ForeignKey(Candidate, verbose_name=_("نتیجه آزمون"), on_delete=models.PROTECT, related_name="certificates")
    issuing_unit = models.ForeignKey("org.Unit", verbose_name=_("واحد صادرکننده"), on_delete=models.PROTECT, related_name="certificates")
    training_unit = models.ForeignKey("org.Unit", verbose_name=_("واحد آموزش‌دهنده"), on_delete=models.PROTECT,
                                      related_name="trained_certificates")
    issued_on = models.DateField(_("تاریخ صدور"))
    revision = models.PositiveSmallIntegerField(_("نوبت صدور"), default=1)
    status = models.CharField(_("وضعیت"), max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.VALID)
    status_reason = models.TextField(_("دلیل تغییر وضعیت"), blank=True)
    status_changed_at = models.DateTimeField(_("زمان تغییر وضعیت"), null=True, blank=True)
    payload = models.TextField(_("محتوای امضاشده"))  # canonical JSON
    signature = models.CharField(_("امضای دیجیتال"), max_length=100)  # base64url Ed25519 signature

    class Meta:
        verbose_name = _("گواهینامه مهارت")
        verbose_name_plural = _("گواهینامه‌های مهارت")
        ordering = ["-issued_on", "serial"]
        # The register's order (and its keyset: the primary key last): the newest page of 1.3 million
        # certificates was a sort of all of them on disk (1.5 s), now a walk down this index.
        indexes = [models.Index(F("issued_on").desc(), "serial", "id", name="certificate_register_order")]
        constraints = [models.UniqueConstraint(fields=["trainee", "standard"], name="one_certificate_per_skill",
                                               violation_error_message=_("این کارآموز برای این استاندارد گواهینامه دارد؛ صدور دوباره جایگزین آن می‌شود."))]

    def __str__(self) -> str:
        return f"{self.serial} — {self.trainee}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("certificate_detail", args=[self.pk])
