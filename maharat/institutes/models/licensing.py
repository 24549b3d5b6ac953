"""The institute's record, its licences and their fields, the supervision boards and guild associations."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from maharat.catalog.models import Cluster


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
