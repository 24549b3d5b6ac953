from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from maharat.catalog.models import Cluster
from maharat.common.persian import to_persian_digits


class Workshop(models.Model):
    """A workshop (کارگاه) of a unit: where practical hours are trained."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("واحد"), on_delete=models.PROTECT, related_name="workshops")
    code = models.CharField(_("کد کارگاه"), max_length=40, unique=True)
    name = models.CharField(_("نام کارگاه"), max_length=150)
    cluster = models.CharField(_("خوشه"), max_length=20, choices=Cluster.choices)
    seats = models.PositiveSmallIntegerField(_("ظرفیت (نفر)"), default=16)
    is_fixed = models.BooleanField(_("کارگاه ثابت"), default=True)
    is_active = models.BooleanField(_("فعال"), default=True)

    class Meta:
        verbose_name = _("کارگاه")
        verbose_name_plural = _("کارگاه‌ها")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("workshop_detail", args=[self.pk])

    MAX_SEATS = 200

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.seats is not None and not 1 <= self.seats <= self.MAX_SEATS:
            raise ValidationError({"seats": _("ظرفیت کارگاه باید بین ۱ و {max} نفر باشد.").format(
                max=to_persian_digits(self.MAX_SEATS))})


class DeliveryMode(models.TextChoices):
    FIXED_CENTER = "fixed_center", _("مرکز ثابت")
    URBAN_BRANCH = "urban_branch", _("شعبه شهری")
    RURAL_MOBILE = "rural_mobile", _("تیم سیار روستایی")
    NOMAD_MOBILE = "nomad_mobile", _("تیم سیار عشایری")
    WORKPLACE = "workplace", _("محیط کار واقعی / صنعت")
    PRISON = "prison", _("زندان")
    GARRISON = "garrison", _("پادگان")
    KARDANESH = "kardanesh", _("مدارس کاردانش")
    ONLINE = "online", _("مجازی")
    FREE_INSTITUTE = "free_institute", _("آموزشگاه آزاد")


WORKPLACE_MODES = (DeliveryMode.WORKPLACE,)
MOBILE_MODES = (DeliveryMode.RURAL_MOBILE, DeliveryMode.NOMAD_MOBILE)


class CourseRun(models.Model):
    """A course run (دوره): one standard delivered at one unit between two dates, in one mode."""

    code = models.CharField(_("کد دوره"), max_length=40, unique=True)
    unit = models.ForeignKey("org.Unit", verbose_name=_("واحد برگزارکننده"), on_delete=models.PROTECT, related_name="course_runs")
    standard = models.ForeignKey("catalog.Standard", verbose_name=_("استاندارد"), on_delete=models.PROTECT, related_name="course_runs")
    trainer = models.ForeignKey(
        "people.Trainer", verbose_name=_("مربی"), on_delete=models.PROTECT, null=True, blank=True, related_name="course_runs"
    )
    workshop = models.ForeignKey(
        Workshop, verbose_name=_("کارگاه"), on_delete=models.PROTECT, null=True, blank=True, related_name="course_runs"
    )
    mode = models.CharField(_("شیوه اجرا"), max_length=20, choices=DeliveryMode.choices)
    start_date = models.DateField(_("تاریخ شروع"))
    end_date = models.DateField(_("تاریخ پایان"))
    hours = models.PositiveSmallIntegerField(_("ساعت دوره"), help_text=_("به طور پیش‌فرض ساعت استاندارد"))
    capacity = models.PositiveSmallIntegerField(_("ظرفیت"), default=20)

    class Meta:
        verbose_name = _("دوره آموزشی")
        verbose_name_plural = _("دوره‌های آموزشی")
        ordering = ["-start_date", "code"]
        # The second: the register's order with its keyset's primary key (the newest page of 1.1 million runs
        # was a sort of all of them, 430 ms).
        indexes = [models.Index(fields=["unit", "end_date"], name="courserun_unit_end"),
                   models.Index(F("start_date").desc(), "code", "id", name="courserun_register_order")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="courserun_dates_ordered",
                violation_error_message=_("تاریخ پایان دوره نمی‌تواند پیش از تاریخ شروع باشد."),
            ),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="courserun_hours_positive"),
            models.CheckConstraint(condition=models.Q(capacity__gt=0), name="courserun_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.standard.local_title} — {self.code}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("courserun_detail", args=[self.pk])

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors: dict[str, str] = {}
        if self.workshop_id and self.unit_id and self.workshop.unit_id != self.unit_id:
            errors["workshop"] = _("این کارگاه متعلق به واحد برگزارکننده نیست.")
        if self.trainer_id and self.unit_id:
            home = self.trainer.home_unit
            if home.province_id and self.unit.province_id and home.province_id != self.unit.province_id:
                errors["trainer"] = _("مربی باید از همان استانِ واحد برگزارکننده باشد.")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("تاریخ پایان دوره نمی‌تواند پیش از تاریخ شروع باشد.")
        errors.update(course_run_errors(start_date=self.start_date, end_date=self.end_date, hours=self.hours,
                                        capacity=self.capacity))
        if self.unit_id and self.standard_id and self.start_date and self.end_date and "end_date" not in errors:
            from . import entry_rules

            for name, message in entry_rules.course_run_errors(self).items():
                errors.setdefault(name, message)
        if errors:
            raise ValidationError(errors)


MAX_CAPACITY = 200  # trainees in one course run
MAX_HOURS_PER_DAY = 10  # hours of training a course run can hold per calendar day, start and end included


def course_run_errors(*, start_date: dt.date | None, end_date: dt.date | None, hours: int | None,
                      capacity: int | None) -> dict[str, str]:
    """The bounds of a course run's numbers, with their messages, by field: the one copy of them.

    CourseRun.clean asks here, so pages, the API, the admin and the course-run import (which runs the model's
    clean) refuse the same values with the same Persian message, before the database's CHECK constraints
    would answer in English.
    """
    errors: dict[str, str] = {}
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = _("ظرفیت دوره باید بین ۱ و {max} نفر باشد.").format(max=to_persian_digits(MAX_CAPACITY))
    if hours is not None and hours <= 0:
        errors["hours"] = str(_("ساعت دوره باید بیشتر از صفر باشد."))
    elif hours is not None and start_date and end_date and end_date >= start_date:
        days = (end_date - start_date).days + 1
        most = days * MAX_HOURS_PER_DAY
        if hours > most:
            errors["hours"] = _(
                "ساعت دوره ({hours}) برای {days} روزِ میان تاریخ شروع و پایان ممکن نیست؛ حداکثر {most} ساعت "
                "(روزی {per_day} ساعت)."
            ).format(hours=to_persian_digits(hours), days=to_persian_digits(days), most=to_persian_digits(most),
                     per_day=to_persian_digits(MAX_HOURS_PER_DAY))
    return errors


class EnrollmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("در حال آموزش")
    COMPLETED = "completed", _("پایان دوره")
    DROPPED = "dropped", _("انصراف / ترک دوره")


class Enrollment(models.Model):
    personal_data = True  # reads are audited too (audit.services.log_read)
    course_run = models.ForeignKey(CourseRun, verbose_name=_("دوره"), on_delete=models.CASCADE, related_name="enrollments")
    trainee = models.ForeignKey("people.Trainee", verbose_name=_("کارآموز"), on_delete=models.PROTECT, related_name="enrollments")
    hours_attended = models.PositiveSmallIntegerField(_("ساعت حضور"), default=0)
    status = models.CharField(_("وضعیت"), max_length=10, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ENROLLED)
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ثبت‌نام")
        verbose_name_plural = _("ثبت‌نام‌ها")
        ordering = ["course_run", "trainee"]
        constraints = [
            models.UniqueConstraint(
                fields=["course_run", "trainee"],
                name="enrollment_once_per_run",
                violation_error_message=_("این کارآموز قبلاً در این دوره ثبت‌نام شده است."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.trainee} — {self.course_run.code}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("enrollment_detail", args=[self.pk])

    MIN_AGE = 15  # years at the start of the course run

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not self.course_run_id:
            return
        run = self.course_run
        birth = self.trainee.birth_date if self.trainee_id else None
        taken = Enrollment.objects.filter(course_run=run).count() if self._state.adding else None
        errors = enrollment_errors(run, hours_attended=self.hours_attended, status=self.status, birth_date=birth,
                                   taken=taken)
        if errors:
            raise ValidationError(errors)


def enrollment_errors(run: CourseRun, *, hours_attended: int, status: str, birth_date: dt.date | None,
                      taken: int | None) -> dict[str, str]:
    """The rules of one enrollment in its course run, with their messages, by field.

    The one copy of them: Enrollment.clean (pages, the API, the admin) and the enrollment import (which has
    the trainees' birth dates and the runs' head counts in bulk) both ask here. `birth_date` None skips the
    age rule (no trainee named yet); `taken` is how many the run already holds when one is added (None for a
    change of an existing enrollment, which takes no new seat).
    """
    errors: dict[str, str] = {}
    if hours_attended > run.hours:
        errors["hours_attended"] = (
            _("ساعت حضور نمی‌تواند بیش از ساعت دوره ({hours} ساعت) باشد.").format(hours=to_persian_digits(run.hours))
        )
    if status == EnrollmentStatus.COMPLETED and hours_attended == 0:
        errors["hours_attended"] = _("برای کارآموزی که دوره را به پایان رسانده، ساعت حضور را وارد کنید.")
    if birth_date is not None:
        start = run.start_date
        age = start.year - birth_date.year - ((start.month, start.day) < (birth_date.month, birth_date.day))
        if age < Enrollment.MIN_AGE:
            errors["trainee"] = _("سن کارآموز در آغاز دوره کمتر از ۱۵ سال است.")
    if taken is not None and taken >= run.capacity:
        errors["course_run"] = _("ظرفیت این دوره ({n} نفر) پر است.").format(n=to_persian_digits(run.capacity))
    from . import entry_rules

    for name, message in entry_rules.enrollment_errors(run, adding=taken is not None).items():
        errors.setdefault(name, message)
    return errors
