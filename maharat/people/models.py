from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from maharat.common.validators import validate_mobile, validate_national_code


class Sex(models.TextChoices):
    MALE = "M", _("مرد")
    FEMALE = "F", _("زن")


class Residence(models.TextChoices):
    URBAN = "urban", _("شهری")
    RURAL = "rural", _("روستایی")
    NOMAD = "nomad", _("عشایری")


class Nationality(models.TextChoices):
    IRANIAN = "iranian", _("ایرانی")
    REFUGEE = "refugee", _("پناهنده")
    FOREIGN = "foreign", _("تبعه خارجی")


class TargetGroup(models.Model):
    """One of the target groups (گروه‌های هدف) of DOMAIN.md; loaded by a data migration."""

    code = models.SlugField(_("کد"), max_length=40, unique=True)
    name = models.CharField(_("نام"), max_length=120)
    name_en = models.CharField(_("نام انگلیسی"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("گروه هدف")
        verbose_name_plural = _("گروه‌های هدف")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name_en if self.name_en and get_language() == "en" else self.name


class Trainee(models.Model):
    """A trainee (کارآموز): one person, one record, keyed by the national code."""
    personal_data = True  # reads are audited too (audit.services.log_read)

    national_code = models.CharField(
        _("کد ملی"), max_length=10, unique=True, validators=[validate_national_code],
        error_messages={"unique": _("کارآموزی با این کد ملی قبلاً ثبت شده است.")},
    )
    first_name = models.CharField(_("نام"), max_length=80)
    last_name = models.CharField(_("نام خانوادگی"), max_length=80, db_index=True)
    father_name = models.CharField(_("نام پدر"), max_length=80, blank=True)
    sex = models.CharField(_("جنسیت"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("تاریخ تولد"))
    residence = models.CharField(_("محل سکونت"), max_length=10, choices=Residence.choices, default=Residence.URBAN)
    nationality = models.CharField(_("تابعیت"), max_length=10, choices=Nationality.choices, default=Nationality.IRANIAN)
    has_disability = models.BooleanField(_("دارای معلولیت"), default=False)
    income_decile = models.PositiveSmallIntegerField(
        _("دهک درآمدی"), null=True, blank=True, choices=[(d, str(d)) for d in range(1, 11)],
        help_text=_("۱ کم‌درآمدترین تا ۱۰ پردرآمدترین"),
    )
    decile_assessed_on = models.DateField(_("تاریخ تعیین دهک"), null=True, blank=True)
    target_groups = models.ManyToManyField(TargetGroup, verbose_name=_("گروه‌های هدف"), blank=True)
    mobile = models.CharField(_("تلفن همراه"), max_length=11, blank=True, validators=[validate_mobile])
    # The trainee agreed to be sent SMS (reminders, results); without it nothing is sent to them (notify.sms).
    # db_default: the bulk loaders (COPY) name their columns and leave this one to the database.
    sms_consent = models.BooleanField(_("رضایت به دریافت پیامک"), default=False, db_default=False)
    registered_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("واحد ثبت‌کننده"), on_delete=models.PROTECT, related_name="registered_trainees"
    )
    referred_by = models.ForeignKey(
        "org.Unit", verbose_name=_("معرفی‌شده از سوی شریک اجتماعی"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="referred_trainees", limit_choices_to={"kind": "partner"},
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("کارآموز")
        verbose_name_plural = _("کارآموزان")
        ordering = ["last_name", "first_name"]
        # The register's order with its keyset's primary key: demo surnames repeat, so an index on the surname
        # alone left PostgreSQL sorting 160,000 rows for the first page of 7 million (400 ms).
        indexes = [models.Index(fields=["last_name", "first_name", "id"], name="trainee_register_order")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(income_decile__isnull=True) | models.Q(income_decile__range=(1, 10)),
                name="trainee_decile_range",
            ),
            models.CheckConstraint(
                condition=models.Q(income_decile__isnull=True) | models.Q(decile_assessed_on__isnull=False),
                name="trainee_decile_has_date",
                violation_error_message=_("برای دهک درآمدی، تاریخ تعیین دهک را هم وارد کنید."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("trainee_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError
        from django.utils import timezone

        today = timezone.localdate()
        if self.birth_date and self.birth_date > today:
            raise ValidationError({"birth_date": _("تاریخ تولد نمی‌تواند در آینده باشد.")})
        if self.birth_date and (today - self.birth_date).days > 365 * 100:
            raise ValidationError({"birth_date": _("تاریخ تولد درست به نظر نمی‌رسد (بیش از صد سال پیش).")})
        if self.decile_assessed_on and self.decile_assessed_on > today:
            raise ValidationError({"decile_assessed_on": _("تاریخ تعیین دهک نمی‌تواند در آینده باشد.")})
        if self.income_decile and not self.decile_assessed_on:
            raise ValidationError({"decile_assessed_on": _("برای دهک درآمدی، تاریخ تعیین دهک را هم وارد کنید.")})


class Trainer(models.Model):
    personal_data = True  # reads are audited too (audit.services.log_read)
    class Employment(models.TextChoices):
        OFFICIAL = "official", _("رسمی")
        CONTRACT = "contract", _("قراردادی")

    national_code = models.CharField(
        _("کد ملی"), max_length=10, unique=True, validators=[validate_national_code],
        error_messages={"unique": _("مربی با این کد ملی قبلاً ثبت شده است.")},
    )
    first_name = models.CharField(_("نام"), max_length=80)
    last_name = models.CharField(_("نام خانوادگی"), max_length=80)
    sex = models.CharField(_("جنسیت"), max_length=1, choices=Sex.choices)
    employment = models.CharField(_("نوع استخدام"), max_length=10, choices=Employment.choices)
    home_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("واحد محل خدمت"), on_delete=models.PROTECT, related_name="trainers"
    )
    qualifications = models.TextField(_("مدارک و صلاحیت‌ها"), blank=True)
    standards = models.ManyToManyField(
        "catalog.Standard", verbose_name=_("استانداردهای مجاز به تدریس"), blank=True, related_name="trainers"
    )
    mobile = models.CharField(_("تلفن همراه"), max_length=11, blank=True, validators=[validate_mobile])
    is_active = models.BooleanField(_("فعال"), default=True)

    class Meta:
        verbose_name = _("مربی")
        verbose_name_plural = _("مربیان")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("trainer_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
