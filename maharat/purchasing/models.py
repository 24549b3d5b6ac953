"""Purchase of training services (خرید خدمات آموزشی): a province buys places for trainees from a free institute,
and pays in tranches as its learners reach each outcome.

    draft ──sign──▶ active ──close──▶ closed
      │               │
      └────cancel─────┴──▶ cancelled          (active only while no invoice stands)

    invoice: issued ──approve──▶ approved ──pay──▶ paid        issued ──void──▶ void

What a contract has earned is never typed: it is computed from the records (earned.py). An invoice freezes
what was earned and not yet invoiced, learner by learner; a result withdrawn later is a negative line on the
next invoice, so a paid invoice is never edited.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from maharat.common import jalali
from maharat.common.persian import localize_digits
from maharat.kit.workflow import permitted

from . import rules


class Tranche(models.TextChoices):
    ENROLLMENT = "enrollment", _("ثبت‌نام")
    COMPLETION = "completion", _("پایان دوره")
    CERTIFICATION = "certification", _("گواهینامه مهارت")
    EMPLOYMENT = "employment", _("اشتغال سه ماه پس از پایان دوره")


TRANCHES = [t.value for t in Tranche]


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("پیش‌نویس")
    ACTIVE = "active", _("امضاشده و جاری")
    CLOSED = "closed", _("بسته‌شده")
    CANCELLED = "cancelled", _("لغوشده")


# Committed money: what a signed contract binds (a draft binds nothing, a cancelled one nothing more).
COMMITTED = (ContractStatus.ACTIVE, ContractStatus.CLOSED)
# Where earnings are invoiced: a closed contract still settles (a certificate revoked after closing).
INVOICING = (ContractStatus.ACTIVE, ContractStatus.CLOSED)


PERCENT = [MinValueValidator(0, _("درصد نمی‌تواند منفی باشد.")),
           MaxValueValidator(100, _("درصد حداکثر %(limit_value)s است."))]
PREMIUM = [MinValueValidator(0, _("درصد نمی‌تواند منفی باشد.")),
           MaxValueValidator(rules.MAX_PREMIUM, _("افزایش حداکثر %(limit_value)s درصد است."))]


class Contract(models.Model):
    personal_data = True  # its page lists the learners it counts: reads are audited (audit.services.log_read)
    number = models.CharField(_("شماره قرارداد"), max_length=40, unique=True, editable=False)
    province = models.ForeignKey("org.Unit", verbose_name=_("استان (طرف قرارداد)"), on_delete=models.PROTECT,
                                 related_name="purchase_contracts_made")
    institute = models.ForeignKey("org.Unit", verbose_name=_("آموزشگاه آزاد"), on_delete=models.PROTECT,
                                  related_name="purchase_contracts")
    title = models.CharField(_("موضوع"), max_length=rules.TITLE_MAX, blank=True)
    standards = models.ManyToManyField("catalog.Standard", verbose_name=_("استانداردهای آموزشی"),
                                       related_name="purchase_contracts")
    target_groups = models.ManyToManyField("people.TargetGroup", verbose_name=_("گروه‌های هدف"), blank=True,
                                           related_name="+")
    trainees = models.PositiveIntegerField(_("تعداد کارآموز"), validators=[
        MinValueValidator(1, _("دست‌کم یک کارآموز.")),
        MaxValueValidator(rules.MAX_TRAINEES, _("تعداد کارآموز حداکثر %(limit_value)s است."))])
    price = models.PositiveBigIntegerField(_("بهای هر کارآموز (ریال)"), validators=[
        MinValueValidator(1, _("بها باید بیشتر از صفر باشد.")),
        MaxValueValidator(rules.MAX_PRICE, _("بهای هر کارآموز حداکثر %(limit_value)s ریال است."))])
    start_date = models.DateField(_("تاریخ شروع"))
    end_date = models.DateField(_("تاریخ پایان"))
    share_enrollment = models.PositiveSmallIntegerField(_("سهم ثبت‌نام (درصد)"), default=rules.DEFAULT_SHARES["enrollment"],
                                                        validators=PERCENT)
    share_completion = models.PositiveSmallIntegerField(_("سهم پایان دوره (درصد)"), default=rules.DEFAULT_SHARES["completion"],
                                                        validators=PERCENT)
    share_certification = models.PositiveSmallIntegerField(_("سهم گواهینامه (درصد)"), default=rules.DEFAULT_SHARES["certification"],
                                                           validators=PERCENT)
    share_employment = models.PositiveSmallIntegerField(_("سهم اشتغال (درصد)"), default=rules.DEFAULT_SHARES["employment"],
                                                        validators=PERCENT)
    # Premiums for harder-to-serve learners, percent of the tranche, added together when a learner is in
    # several categories (a rural woman with a disability earns the three): earned.py applies them.
    premium_rural = models.PositiveSmallIntegerField(_("افزایش برای روستاییان (درصد)"), default=0,
                                                     validators=PREMIUM)
    premium_nomad = models.PositiveSmallIntegerField(_("افزایش برای عشایر (درصد)"), default=0,
                                                     validators=PREMIUM)
    premium_women = models.PositiveSmallIntegerField(_("افزایش برای زنان (درصد)"), default=0,
                                                     validators=PREMIUM)
    premium_disability = models.PositiveSmallIntegerField(_("افزایش برای افراد دارای معلولیت (درصد)"), default=0,
                                                          validators=PREMIUM)
    notes = models.TextField(_("توضیحات"), blank=True)
    status = FSMField(_("وضعیت"), max_length=10, choices=ContractStatus.choices, default=ContractStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now)
    signed_on = models.DateField(_("تاریخ امضا"), null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    ended_at = models.DateTimeField(_("زمان بستن یا لغو"), null=True, blank=True)
    end_reason = models.TextField(_("دلیل بستن یا لغو"), blank=True)

    class Meta:
        verbose_name = _("قرارداد خرید خدمات")
        verbose_name_plural = _("قراردادهای خرید خدمات")
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["province", "status"], name="purchase_contract_province"),
                   models.Index(fields=["institute", "status"], name="purchase_contract_institute")]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="purchase_contract_dates"),
            models.CheckConstraint(
                condition=Exact(F("share_enrollment") + F("share_completion") + F("share_certification")
                                + F("share_employment"), 100),
                name="purchase_contract_shares_sum", violation_error_message=_("جمع سهم‌ها باید ۱۰۰ درصد باشد.")),
            models.CheckConstraint(condition=Q(trainees__gte=1) & Q(price__gte=1), name="purchase_contract_positive"),
        ]

    def __str__(self) -> str:
        return self.number or gettext("قرارداد تازه")

    def get_absolute_url(self) -> str:
        return reverse("purchase_contract_detail", args=[self.pk])

    # ------------------------------------------------------------------------------------------- reads
    def shares(self) -> dict[str, int]:
        return {Tranche.ENROLLMENT: self.share_enrollment, Tranche.COMPLETION: self.share_completion,
                Tranche.CERTIFICATION: self.share_certification, Tranche.EMPLOYMENT: self.share_employment}

    @property
    def committed(self) -> int:
        return self.trainees * self.price if self.status in COMMITTED else 0

    # ------------------------------------------------------------------------------------------ rules
    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.province_id is not None and self.province.kind != "province":
            errors["province"] = gettext("طرف قرارداد باید اداره کل یک استان باشد.")
        if self.institute_id is not None:
            institute = self.institute
            if institute.kind != "free_institute":
                errors["institute"] = gettext("«{unit}» آموزشگاه آزاد نیست.").format(unit=institute)
            elif self.province_id is not None and institute.province_id != self.province_id:
                errors["institute"] = gettext("آموزشگاه «{unit}» در استان طرف قرارداد نیست.").format(unit=institute)
        for name in ("start_date", "end_date"):
            value = getattr(self, name)
            if value is not None and not jalali.supported_date(value):
                errors[name] = gettext(jalali.YEAR_RANGE_MESSAGE)
        if "start_date" not in errors and "end_date" not in errors and self.start_date and self.end_date:
            if self.end_date < self.start_date:
                errors["end_date"] = gettext("تاریخ پایان نمی‌تواند پیش از تاریخ شروع باشد.")
            elif (self.end_date - self.start_date).days > rules.MAX_CONTRACT_DAYS:
                errors["end_date"] = gettext("قرارداد حداکثر سه سال است.")
        shares = [self.share_enrollment, self.share_completion, self.share_certification, self.share_employment]
        if all(isinstance(s, int) for s in shares) and sum(shares) != 100:
            errors["share_employment"] = gettext("جمع سهم‌های چهارگانه باید ۱۰۰ درصد باشد (اکنون {total}).").format(
                total=localize_digits(sum(shares)))
        if errors:
            raise ValidationError(errors)

    # ------------------------------------------------------------------------------------ transitions
    @transition(field=status, source=ContractStatus.DRAFT, target=ContractStatus.ACTIVE,
                permission=permitted("sign"), custom={"label": _("امضای قرارداد")})
    def sign(self, *, by: Any, reason: str = "") -> None:
        self.signed_on, self.signed_by = timezone.localdate(), by

    @transition(field=status, source=ContractStatus.ACTIVE, target=ContractStatus.CLOSED,
                permission=permitted("close"), custom={"label": _("بستن قرارداد")})
    def close(self, *, by: Any, reason: str = "") -> None:
        self.ended_at, self.end_reason = timezone.now(), reason

    @transition(field=status, source=[ContractStatus.DRAFT, ContractStatus.ACTIVE], target=ContractStatus.CANCELLED,
                permission=permitted("cancel"), custom={"label": _("لغو قرارداد")})
    def cancel(self, *, by: Any, reason: str = "") -> None:
        self.ended_at, self.end_reason = timezone.now(), reason


class ContractRun(models.Model):
    """A course run the contract buys: listed explicitly, so that which runs count is a decision someone took
    and the trail names, not a guess from dates. A run is bought once (one contract per run)."""

    contract = models.ForeignKey(Contract, verbose_name=_("قرارداد"), on_delete=models.CASCADE, related_name="runs")
    # A course run deleted in training takes its link with it; its learners' tranches are then clawed back.
    course_run = models.OneToOneField("training.CourseRun", verbose_name=_("دوره"), on_delete=models.CASCADE,
                                      related_name="purchase_link")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    added_at = models.DateTimeField(_("زمان افزودن"), default=timezone.now)

    class Meta:
        verbose_name = _("دوره قرارداد")
        verbose_name_plural = _("دوره‌های قرارداد")
        ordering = ["contract", "course_run__start_date", "pk"]

    def __str__(self) -> str:
        return f"{self.contract} — {self.course_run.code}"

    def get_absolute_url(self) -> str:
        return self.contract.get_absolute_url()


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", _("صادرشده")
    APPROVED = "approved", _("تأییدشده")
    PAID = "paid", _("پرداخت‌شده")
    VOID = "void", _("باطل‌شده")


# The invoices whose lines count as invoiced: a void invoice never happened.
STANDING = (InvoiceStatus.ISSUED, InvoiceStatus.APPROVED, InvoiceStatus.PAID)


class Invoice(models.Model):
    """One tranche's bill at one moment: every learner earned and not yet invoiced, every amount withdrawn
    since (negative lines). Its lines and total are fixed when it is issued and never edited."""

    personal_data = True  # learner by learner: reads are audited

    contract = models.ForeignKey(Contract, verbose_name=_("قرارداد"), on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(_("شماره صورت‌حساب"), max_length=48, unique=True, editable=False)
    tranche = models.CharField(_("مرحله پرداخت"), max_length=14, choices=Tranche.choices)
    issued_on = models.DateField(_("تاریخ صدور"))
    issued_at = models.DateTimeField(_("زمان صدور"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    earned_total = models.BigIntegerField(_("جمع مبالغ کسب‌شده (ریال)"), default=0)
    clawback_total = models.BigIntegerField(_("جمع کسورات و بازپس‌گیری (ریال)"), default=0)  # <= 0
    total = models.BigIntegerField(_("مبلغ خالص (ریال)"), default=0)
    status = FSMField(_("وضعیت"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED)
    approved_at = models.DateTimeField(_("زمان تأیید"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    paid_on = models.DateField(_("تاریخ پرداخت"), null=True, blank=True)
    payment_reference = models.CharField(_("شماره مرجع پرداخت"), max_length=rules.REFERENCE_MAX, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    void_reason = models.TextField(_("دلیل ابطال"), blank=True)

    class Meta:
        verbose_name = _("صورت‌حساب خرید خدمات")
        verbose_name_plural = _("صورت‌حساب‌های خرید خدمات")
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["contract", "tranche", "status"], name="purchase_invoice_tranche")]
        constraints = [models.CheckConstraint(condition=Q(clawback_total__lte=0) & Q(earned_total__gte=0),
                                              name="purchase_invoice_signs")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("purchase_invoice_detail", args=[self.pk])

    @transition(field=status, source=InvoiceStatus.ISSUED, target=InvoiceStatus.APPROVED,
                permission=permitted("approve"), custom={"label": _("تأیید صورت‌حساب")})
    def approve(self, *, by: Any, reason: str = "") -> None:
        self.approved_at, self.approved_by = timezone.now(), by

    @transition(field=status, source=InvoiceStatus.APPROVED, target=InvoiceStatus.PAID,
                permission=permitted("pay"), custom={"label": _("ثبت پرداخت")})
    def pay(self, *, by: Any, reason: str = "", paid_on: Any = None, reference: str = "") -> None:
        self.paid_on, self.payment_reference, self.paid_by = paid_on, reference, by

    @transition(field=status, source=InvoiceStatus.ISSUED, target=InvoiceStatus.VOID,
                permission=permitted("approve"), custom={"label": _("ابطال صورت‌حساب")})
    def void(self, *, by: Any, reason: str = "") -> None:
        self.void_reason = reason


class LineKind(models.TextChoices):
    EARNED = "earned", _("کسب‌شده")
    ADJUSTMENT = "adjustment", _("اصلاح مبلغ")
    CLAWBACK = "clawback", _("بازپس‌گیری")


class InvoiceLine(models.Model):
    """One learner's amount on an invoice, and why. It keeps what it was computed from (the learner's code and
    name, the course run, the premiums) as text: the enrollment may later be changed or deleted, and the
    line must still say what was paid for. `enrollment_key` is the enrollment's id (no foreign key, so that
    deleting an enrollment never touches a paid invoice): the ledger of what was invoiced per learner."""

    invoice = models.ForeignKey(Invoice, verbose_name=_("صورت‌حساب"), on_delete=models.PROTECT, related_name="lines")
    enrollment_key = models.PositiveBigIntegerField(_("شناسه ثبت‌نام"))
    trainee = models.ForeignKey("people.Trainee", verbose_name=_("کارآموز"), on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    national_code = models.CharField(_("کد ملی"), max_length=10)
    trainee_name = models.CharField(_("نام کارآموز"), max_length=170)
    run_code = models.CharField(_("کد دوره"), max_length=40)
    kind = models.CharField(_("نوع سطر"), max_length=10, choices=LineKind.choices)
    base = models.BigIntegerField(_("مبلغ پایه (ریال)"), default=0)
    premium = models.PositiveSmallIntegerField(_("افزایش (درصد)"), default=0)
    premium_reasons = models.CharField(_("دلیل افزایش"), max_length=120, blank=True)
    amount = models.BigIntegerField(_("مبلغ (ریال)"))
    note = models.CharField(_("شرح"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("سطر صورت‌حساب")
        verbose_name_plural = _("سطرهای صورت‌حساب")
        ordering = ["invoice", "kind", "trainee_name", "pk"]
        indexes = [models.Index(fields=["invoice", "enrollment_key"], name="purchase_line_key")]

    def __str__(self) -> str:
        return f"{self.invoice} — {self.trainee_name}"


class EmploymentEvidence(models.Model):
    """A graduate's job, entered by provincial staff with its document (an attachment), until graduate tracing
    brings employment records: the default answer of the declared input "employment" (records.py)."""

    personal_data = True

    enrollment = models.ForeignKey("training.Enrollment", verbose_name=_("ثبت‌نام"), on_delete=models.CASCADE,
                                   related_name="employment_evidence")
    employer = models.CharField(_("کارفرما یا محل اشتغال"), max_length=rules.EMPLOYER_MAX)
    from_date = models.DateField(_("از تاریخ"))
    to_date = models.DateField(_("تا تاریخ"), null=True, blank=True, help_text=_("خالی: هنوز شاغل است"))
    notes = models.TextField(_("توضیحات"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    entered_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now)

    class Meta:
        verbose_name = _("سابقه اشتغال")
        verbose_name_plural = _("سوابق اشتغال")
        ordering = ["-entered_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(to_date__isnull=True) | Q(to_date__gte=F("from_date")),
                                              name="purchase_evidence_dates")]

    def __str__(self) -> str:
        return f"{self.employer} — {self.enrollment.trainee}"

    def get_absolute_url(self) -> str:
        return reverse("purchase_evidence_detail", args=[self.pk])
