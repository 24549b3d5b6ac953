"""Free institutes' licensing: the institute's record, its licences, the applications that lead to them, the
supervision boards' decisions and the appeals against them.

An institute is a unit of kind free institute (org.Unit); `Institute` extends that unit with what licensing
needs (founder, manager, guild). A licence's standing is never typed in: it follows from the decisions on it
(rules.licence_state), which are kept in versions and never overwritten; the licence stores the result so that
lists and the course-run rule read one row.

    application: submitted ──check──▶ documents_ok ──inspect──▶ inspected ──grant──▶ granted
                    ▲  │                    │                        │
                    │  └──return──▶ returned ◀───────return──────────┘       any open ──refuse──▶ refused
                    └──resubmit───────┘                                      any open ──withdraw──▶ withdrawn
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from maharat.catalog.models import Cluster
from maharat.kit.workflow import permitted


class BoardLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("هیأت نظارت استان")
    CENTRAL = "central", _("هیأت نظارت مرکزی")


class Board(models.Model):
    """A supervision board (هیأت نظارت): one per province and the central board at HQ. The deciding body of
    every licensing decision; a later governance issue gives it members, meetings and minutes."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("واحد"), on_delete=models.PROTECT, related_name="boards")
    level = models.CharField(_("سطح"), max_length=12, choices=BoardLevel.choices)
    name = models.CharField(_("نام هیأت"), max_length=200)

    class Meta:
        verbose_name = _("هیأت نظارت")
        verbose_name_plural = _("هیأت‌های نظارت")
        constraints = [models.UniqueConstraint(fields=["unit", "level"], name="board_once_per_unit")]

    def __str__(self) -> str:
        return self.name


class GuildAssociation(models.Model):
    """A guild association of institute owners (انجمن صنفی کارفرمایی آموزشگاه‌های آزاد) of a province; the national
    federation (کانون) sits at HQ and sets the maximum tuition."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("استان"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("نام انجمن"), max_length=200)
    is_federation = models.BooleanField(_("کانون کشوری"), default=False)

    class Meta:
        verbose_name = _("انجمن صنفی")
        verbose_name_plural = _("انجمن‌های صنفی")
        ordering = ["unit__path", "name"]

    def __str__(self) -> str:
        return self.name


class FounderKind(models.TextChoices):
    NATURAL = "natural", _("شخص حقیقی")
    LEGAL = "legal", _("شخص حقوقی")


class LicenceType(models.TextChoices):
    """Types «الف» to «د» (bylaw, Art. 60): the minimum premises and equipment differ by type."""

    ALEF = "alef", _("الف")
    BE = "be", _("ب")
    JIM = "jim", _("ج")
    DAL = "dal", _("د")


class Grade(models.IntegerChoices):
    """The institute's grade from its supervision record: how often it is visited (grade 1 least often)."""

    ONE = 1, _("درجه یک")
    TWO = 2, _("درجه دو")
    THREE = 3, _("درجه سه")


class Institute(models.Model):
    """What licensing adds to a free-institute unit. Its name, county, address and phone stay on the unit."""

    unit = models.OneToOneField("org.Unit", verbose_name=_("آموزشگاه"), on_delete=models.PROTECT, primary_key=True,
                                related_name="institute")
    founder_kind = models.CharField(_("نوع مؤسس"), max_length=8, choices=FounderKind.choices,
                                    default=FounderKind.NATURAL)
    # Blank only for institutes licensed before the platform (backfill.py): their founders are entered at renewal.
    founder_name = models.CharField(_("نام مؤسس"), max_length=200, blank=True)
    # A natural person's national code (10 digits) or a legal person's national id (11 digits).
    founder_code = models.CharField(_("کد ملی / شناسه ملی مؤسس"), max_length=11, blank=True)
    manager_name = models.CharField(_("نام مدیر"), max_length=200, blank=True)
    manager_national_code = models.CharField(_("کد ملی مدیر"), max_length=10, blank=True)
    postal_code = models.CharField(_("کد پستی"), max_length=10, blank=True)
    guild = models.ForeignKey(GuildAssociation, verbose_name=_("انجمن صنفی"), on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="institutes")

    class Meta:
        verbose_name = _("آموزشگاه آزاد")
        verbose_name_plural = _("آموزشگاه‌های آزاد")

    def __str__(self) -> str:
        return str(self.unit)


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", _("معتبر")
    SUSPENDED = "suspended", _("تعلیق‌شده")
    EXPIRED = "expired", _("منقضی")
    REVOKED = "revoked", pgettext_lazy("licence status", "لغوشده")
    CLOSED = "closed", _("تعطیل‌شده")


class Licence(models.Model):
    """A founding licence (پروانه تأسیس): five years, renewed. Its dates and status are derived from its
    decisions (services.recompute); nothing edits them directly."""

    institute = models.ForeignKey(Institute, verbose_name=_("آموزشگاه"), on_delete=models.PROTECT,
                                  related_name="licences")
    number = models.CharField(_("شماره پروانه"), max_length=24, unique=True)
    licence_type = models.CharField(_("نوع آموزشگاه"), max_length=4, choices=LicenceType.choices)
    grade = models.PositiveSmallIntegerField(_("درجه"), choices=Grade.choices, default=Grade.TWO)
    # The standards it may teach and assess beyond its clusters' (empty: every standard of its clusters).
    standards = models.ManyToManyField("catalog.Standard", verbose_name=_("استانداردهای مجاز"), blank=True,
                                       related_name="+")
    issued_on = models.DateField(_("تاریخ صدور"))
    expires_on = models.DateField(_("تاریخ انقضا"))
    ended_on = models.DateField(_("تاریخ پایان اعتبار (لغو یا تعطیل)"), null=True, blank=True)
    status = models.CharField(_("وضعیت"), max_length=10, choices=LicenceStatus.choices, default=LicenceStatus.ACTIVE,
                              db_index=True)
    capacity = models.PositiveSmallIntegerField(_("ظرفیت آموزشی هم‌زمان (نفر)"), default=0)
    # The institute's latest licence (one closed and licensed again has an earlier one): the register's row.
    is_current = models.BooleanField(_("پروانه جاری"), default=True, db_index=True)

    class Meta:
        verbose_name = _("پروانه تأسیس")
        verbose_name_plural = _("پروانه‌های تأسیس")
        ordering = ["-issued_on", "number"]
        indexes = [models.Index(fields=["institute", "issued_on"], name="licence_institute_issued"),
                   models.Index(fields=["status", "expires_on"], name="licence_status_expiry")]

    def __str__(self) -> str:
        return f"{self.number} — {self.institute}"

    def get_absolute_url(self) -> str:
        return reverse("licence_detail", args=[self.pk])

    @property
    def clusters(self) -> list[str]:
        return [c.cluster for c in self.fields.all()]

    def cluster_labels(self) -> list[str]:
        names = dict(Cluster.choices)
        return [str(names.get(c, c)) for c in self.clusters]


class LicenceField(models.Model):
    """A field (cluster) the licence covers: a row each, so that "institutes licensed for industry" is one
    indexed query for the fields-against-demand page."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="fields")
    cluster = models.CharField(_("خوشه"), max_length=20, choices=Cluster.choices)

    class Meta:
        verbose_name = _("رشته مجاز")
        verbose_name_plural = _("رشته‌های مجاز")
        constraints = [models.UniqueConstraint(fields=["licence", "cluster"], name="licence_field_once")]
        indexes = [models.Index(fields=["cluster", "licence"], name="licence_field_cluster")]

    def __str__(self) -> str:
        return self.get_cluster_display()


class DecisionKind(models.TextChoices):
    GRANT = "grant", _("صدور پروانه")
    RENEW = "renew", _("تمدید پروانه")
    REFUSE = "refuse", _("رد درخواست")
    WARNING = "warning", _("تذکر کتبی")
    CONDITIONS = "conditions", _("تعیین شرط")
    SHORTEN = "shorten", _("کاهش مدت اعتبار")
    ENROLLMENT_BAN = "enrollment_ban", _("منع ثبت‌نام جدید")
    SUSPEND = "suspend", _("تعلیق پروانه")
    REVOKE = "revoke", _("لغو پروانه")
    CLOSE = "close", _("تعطیلی آموزشگاه")
    ANNUL = "annul", _("نقض رأی در تجدیدنظر")


# Graduated sanctions, lightest first: supervision escalates along this order.
SANCTIONS = (DecisionKind.WARNING, DecisionKind.CONDITIONS, DecisionKind.SHORTEN, DecisionKind.ENROLLMENT_BAN,
             DecisionKind.SUSPEND, DecisionKind.REVOKE)
# Decisions with a period of effect (from, until).
PERIODIC = (DecisionKind.CONDITIONS, DecisionKind.ENROLLMENT_BAN, DecisionKind.SUSPEND)


class Decision(models.Model):
    """A board's decision, served as a numbered letter. Varied on appeal by a new version (`supersedes`);
    the earlier one stays, marked out of force."""

    number = models.CharField(_("شماره نامه"), max_length=24, unique=True)
    kind = models.CharField(_("نوع تصمیم"), max_length=16, choices=DecisionKind.choices)
    # The unit it concerns: the institute, or the county of a refused application for a new institute.
    unit = models.ForeignKey("org.Unit", verbose_name=_("واحد"), on_delete=models.PROTECT, related_name="+")
    licence = models.ForeignKey(Licence, verbose_name=_("پروانه"), on_delete=models.PROTECT, null=True, blank=True,
                                related_name="decisions")
    application = models.ForeignKey("Application", verbose_name=_("درخواست"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="decisions")
    board = models.ForeignKey(Board, verbose_name=_("مرجع تصمیم"), on_delete=models.PROTECT, related_name="decisions")
    reason = models.TextField(_("دلیل و مستند"))
    decided_on = models.DateField(_("تاریخ تصمیم"))
    effective_from = models.DateField(_("تاریخ اجرا"))
    effective_until = models.DateField(_("پایان اثر"), null=True, blank=True)
    conditions = models.TextField(_("شرایط"), blank=True)
    new_expiry = models.DateField(_("تاریخ انقضای جدید"), null=True, blank=True)
    appeal_until = models.DateField(_("مهلت اعتراض"))
    version = models.PositiveSmallIntegerField(_("نسخه"), default=1)
    supersedes = models.OneToOneField("self", verbose_name=_("نسخه پیشین"), on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="superseded_by")
    in_force = models.BooleanField(_("نافذ"), default=True, db_index=True)
    # Raised by supervision (a visit's unmet corrective action): kept as the record's label and link.
    source_label = models.CharField(_("مبدأ"), max_length=200, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ثبت‌کننده"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now)

    class Meta:
        verbose_name = _("تصمیم هیأت")
        verbose_name_plural = _("تصمیم‌های هیأت")
        ordering = ["-decided_on", "-pk"]
        indexes = [models.Index(fields=["licence", "in_force", "kind"], name="decision_licence_force")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("decision_detail", args=[self.pk])

    @property
    def is_sanction(self) -> bool:
        return self.kind in SANCTIONS


class ApplicationKind(models.TextChoices):
    NEW = "new", _("تأسیس آموزشگاه جدید")
    RENEWAL = "renewal", _("تمدید پروانه")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("ثبت‌شده، در انتظار بررسی مدارک")
    RETURNED = "returned", pgettext_lazy("application status", "برگشت برای اصلاح")
    DOCUMENTS_OK = "documents_ok", _("مدارک تأیید شد، در انتظار بازدید")
    INSPECTED = "inspected", _("بازدید شد، در انتظار رأی هیأت")
    GRANTED = "granted", _("پروانه صادر شد")
    REFUSED = "refused", _("رد شد")
    WITHDRAWN = "withdrawn", _("منصرف شد")


OPEN_APPLICATION = (ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED, ApplicationStatus.DOCUMENTS_OK,
                    ApplicationStatus.INSPECTED)


class Application(models.Model):
    """An application for a licence, new or renewal, with its documents (attachments) and the expert checks
    before the board decides. Entered by provincial staff for founders until citizens can sign in."""

    tracking_code = models.CharField(_("کد رهگیری"), max_length=24, unique=True)
    kind = models.CharField(_("نوع درخواست"), max_length=8, choices=ApplicationKind.choices)
    # Where it sits: the institute for a renewal, the county for a new institute (the province handles both).
    unit = models.ForeignKey("org.Unit", verbose_name=_("واحد"), on_delete=models.PROTECT, related_name="+")
    institute = models.ForeignKey(Institute, verbose_name=_("آموزشگاه"), on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="applications")
    proposed_name = models.CharField(_("نام پیشنهادی آموزشگاه"), max_length=200)
    founder_kind = models.CharField(_("نوع مؤسس"), max_length=8, choices=FounderKind.choices,
                                    default=FounderKind.NATURAL)
    founder_name = models.CharField(_("نام مؤسس"), max_length=200)
    founder_code = models.CharField(_("کد ملی / شناسه ملی مؤسس"), max_length=11)
    founder_mobile = models.CharField(_("تلفن همراه مؤسس"), max_length=11, blank=True)
    manager_name = models.CharField(_("نام مدیر"), max_length=200)
    manager_national_code = models.CharField(_("کد ملی مدیر"), max_length=10)
    licence_type = models.CharField(_("نوع آموزشگاه"), max_length=4, choices=LicenceType.choices)
    clusters = models.JSONField(_("رشته‌ها (خوشه‌ها)"), default=list)
    address = models.CharField(_("نشانی"), max_length=300)
    postal_code = models.CharField(_("کد پستی"), max_length=10, blank=True)
    capacity = models.PositiveSmallIntegerField(_("ظرفیت آموزشی هم‌زمان (نفر)"))
    submitted_on = models.DateField(_("تاریخ ثبت"))
    status = FSMField(_("وضعیت"), max_length=14, choices=ApplicationStatus.choices,
                      default=ApplicationStatus.SUBMITTED)
    check_note = models.TextField(_("نتیجه بررسی مدارک"), blank=True)
    inspected_on = models.DateField(_("تاریخ بازدید"), null=True, blank=True)
    inspection_note = models.TextField(_("گزارش بازدید"), blank=True)
    inspection_passed = models.BooleanField(_("فضا و تجهیزات مورد تأیید است"), null=True, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ثبت‌کننده"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("درخواست پروانه")
        verbose_name_plural = _("درخواست‌های پروانه")
        ordering = ["-submitted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.proposed_name} — {self.tracking_code}"

    def get_absolute_url(self) -> str:
        return reverse("application_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPLICATION

    def cluster_labels(self) -> list[str]:
        names = dict(Cluster.choices)
        return [str(names.get(c, c)) for c in self.clusters]

    # -------------------------------------------------------------- transitions (run by services, via perform)
    @transition(field=status, source=ApplicationStatus.SUBMITTED, target=ApplicationStatus.DOCUMENTS_OK,
                permission=permitted("check"), custom={"label": _("تأیید مدارک")})
    def accept_documents(self, *, by: Any, reason: str = "") -> None:
        self.check_note = reason

    @transition(field=status, source=[ApplicationStatus.SUBMITTED, ApplicationStatus.DOCUMENTS_OK,
                                      ApplicationStatus.INSPECTED],
                target=ApplicationStatus.RETURNED, permission=permitted("check"),
                custom={"label": _("برگشت برای اصلاح")})
    def return_for_correction(self, *, by: Any, reason: str = "") -> None:
        self.check_note = reason

    @transition(field=status, source=ApplicationStatus.RETURNED, target=ApplicationStatus.SUBMITTED,
                permission=permitted("change"), custom={"label": _("ارسال دوباره پس از اصلاح")})
    def resubmit(self, *, by: Any, reason: str = "") -> None:
        pass

    @transition(field=status, source=ApplicationStatus.DOCUMENTS_OK, target=ApplicationStatus.INSPECTED,
                permission=permitted("inspect"), custom={"label": _("ثبت نتیجه بازدید")})
    def record_inspection(self, *, by: Any, reason: str = "", passed: bool = True, day: Any = None) -> None:
        self.inspection_note, self.inspection_passed = reason, passed
        self.inspected_on = day or timezone.localdate()

    @transition(field=status, source=ApplicationStatus.INSPECTED, target=ApplicationStatus.GRANTED,
                permission=permitted("decide"), custom={"label": _("صدور پروانه")})
    def grant(self, *, by: Any, reason: str = "") -> None:
        pass

    @transition(field=status, source=list(OPEN_APPLICATION), target=ApplicationStatus.REFUSED,
                permission=permitted("decide"), custom={"label": _("رد درخواست")})
    def refuse(self, *, by: Any, reason: str = "") -> None:
        pass

    @transition(field=status, source=list(OPEN_APPLICATION), target=ApplicationStatus.WITHDRAWN,
                permission=permitted("change"), custom={"label": _("انصراف متقاضی")})
    def withdraw(self, *, by: Any, reason: str = "") -> None:
        pass


class AppealStatus(models.TextChoices):
    LODGED = "lodged", _("در انتظار رسیدگی")
    UPHELD = "upheld", _("رأی پابرجا ماند")
    VARIED = "varied", _("رأی اصلاح شد")
    ANNULLED = "annulled", _("رأی نقض شد")


class Appeal(models.Model):
    """An objection to a decision, lodged by the institute within the letter's deadline and ruled on by the
    central board. A ruling that varies or annuls the decision is a new version of it."""

    decision = models.ForeignKey(Decision, verbose_name=_("تصمیم"), on_delete=models.PROTECT, related_name="appeals")
    lodged_on = models.DateField(_("تاریخ اعتراض"))
    grounds = models.TextField(_("دلایل اعتراض"))
    lodged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("معترض"), on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    status = FSMField(_("وضعیت"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.LODGED)
    ruled_on = models.DateField(_("تاریخ رسیدگی"), null=True, blank=True)
    ruling = models.TextField(_("رأی تجدیدنظر"), blank=True)
    outcome = models.OneToOneField(Decision, verbose_name=_("نسخه جدید تصمیم"), on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="from_appeal")

    class Meta:
        verbose_name = _("اعتراض")
        verbose_name_plural = _("اعتراض‌ها")
        ordering = ["-lodged_on", "-pk"]

    def __str__(self) -> str:
        return f"{_('اعتراض')} — {self.decision.number}"

    def get_absolute_url(self) -> str:
        return reverse("decision_detail", args=[self.decision_id])

    @transition(field=status, source=AppealStatus.LODGED, target=AppealStatus.UPHELD,
                permission=permitted("rule"), custom={"label": _("رد اعتراض")})
    def uphold(self, *, by: Any, reason: str = "") -> None:
        self.ruling, self.ruled_on = reason, timezone.localdate()

    @transition(field=status, source=AppealStatus.LODGED, target=AppealStatus.VARIED,
                permission=permitted("rule"), custom={"label": _("اصلاح رأی")})
    def vary(self, *, by: Any, reason: str = "") -> None:
        self.ruling, self.ruled_on = reason, timezone.localdate()

    @transition(field=status, source=AppealStatus.LODGED, target=AppealStatus.ANNULLED,
                permission=permitted("rule"), custom={"label": _("نقض رأی")})
    def annul(self, *, by: Any, reason: str = "") -> None:
        self.ruling, self.ruled_on = reason, timezone.localdate()


class ExpiryReminder(models.Model):
    """A reminder already sent for a licence's expiry at one threshold (90, 30, 7 days): never twice."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="+")
    days = models.PositiveSmallIntegerField()
    expires_on = models.DateField()  # a renewal moves the expiry, and the reminders start again
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["licence", "days", "expires_on"], name="expiry_reminder_once")]

    def __str__(self) -> str:
        return f"{self.licence_id}:{self.days}"
