"""The organisation tree: HQ → provinces → counties → centers, branches, institutes and partners.

Each unit stores its materialised `path` (codes from the root, '/'-separated) and, denormalised, its
province and county. "Everything under this unit" is then one indexed query: an equality on
province/county for those levels, a prefix match on `path` below them (see selectors.subtree).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from maharat.catalog.models import Cluster


class UnitKind(models.TextChoices):
    HQ = "hq", _("ستاد سازمان")
    PROVINCE = "province", _("اداره کل استان")
    COUNTY = "county", _("شهرستان")
    FIXED_CENTER = "fixed_center", _("مرکز ثابت")
    URBAN_BRANCH = "urban_branch", _("شعبه شهری")
    WORKPLACE_CENTER = "workplace_center", _("مرکز جوار کارگاهی")
    FREE_INSTITUTE = "free_institute", _("آموزشگاه آزاد")
    PARTNER = "partner", _("شریک اجتماعی")
    ASSESSMENT_CENTER = "assessment_center", _("مرکز سنجش مهارت")


# Which kinds may sit under which: the shape of the tree, checked by services.unit_create/unit_move.
ALLOWED_PARENTS: dict[str, tuple[str, ...]] = {
    UnitKind.HQ: (),
    UnitKind.PROVINCE: (UnitKind.HQ,),
    UnitKind.COUNTY: (UnitKind.PROVINCE,),
    UnitKind.FIXED_CENTER: (UnitKind.COUNTY,),
    UnitKind.URBAN_BRANCH: (UnitKind.FIXED_CENTER, UnitKind.COUNTY),
    UnitKind.WORKPLACE_CENTER: (UnitKind.COUNTY,),
    UnitKind.FREE_INSTITUTE: (UnitKind.COUNTY,),
    UnitKind.PARTNER: (UnitKind.HQ, UnitKind.PROVINCE, UnitKind.COUNTY),
    UnitKind.ASSESSMENT_CENTER: (UnitKind.PROVINCE, UnitKind.COUNTY),
}
TRAINING_KINDS = (
    UnitKind.FIXED_CENTER,
    UnitKind.URBAN_BRANCH,
    UnitKind.WORKPLACE_CENTER,
    UnitKind.FREE_INSTITUTE,
    UnitKind.PARTNER,
)
PUBLIC_CENTER_KINDS = (UnitKind.FIXED_CENTER, UnitKind.URBAN_BRANCH)


class Sector(models.TextChoices):
    PUBLIC = "public", _("دولتی")
    PRIVATE = "private", _("خصوصی")


# The sector rule, in one place: a free institute is private, every other unit public. The figures are split
# by it (the summary tables' sector column, computed in SQL by sector_sql) and commitments follow it (plans).
PRIVATE_KINDS: tuple[str, ...] = (UnitKind.FREE_INSTITUTE.value,)


def sector_of(kind: str) -> str:
    return Sector.PRIVATE.value if kind in PRIVATE_KINDS else Sector.PUBLIC.value


def sector_sql(kind_column: str) -> str:
    """The same rule as an SQL expression over a column that holds a unit's kind (e.g. "u.kind")."""
    kinds = ", ".join(f"'{kind}'" for kind in PRIVATE_KINDS)
    return f"CASE WHEN {kind_column} IN ({kinds}) THEN '{Sector.PRIVATE.value}' ELSE '{Sector.PUBLIC.value}' END"


class PartnerType(models.TextChoices):
    RELIEF = "relief", _("کمیته امداد")
    WELFARE = "welfare", _("بهزیستی")
    PRISONS = "prisons", _("سازمان زندان‌ها")
    GARRISON = "garrison", _("پادگان / نیروهای مسلح")
    BASIJ = "basij", _("بسیج")
    PORTS = "ports", _("بنادر و شیلات")
    UNIVERSITY = "university", _("دانشگاه")
    NGO = "ngo", _("سازمان مردم‌نهاد")


class Unit(models.Model):
    code = models.CharField(_("کد واحد"), max_length=32, unique=True)
    name = models.CharField(_("نام"), max_length=200)
    name_en = models.CharField(_("نام انگلیسی"), max_length=200, blank=True)
    kind = models.CharField(_("نوع واحد"), max_length=20, choices=UnitKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("واحد بالادست"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False)
    province = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    county = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    cluster = models.CharField(
        _("خوشه"), max_length=20, choices=Cluster.choices, blank=True, help_text=_("برای آموزشگاه‌های آزاد")
    )
    partner_type = models.CharField(_("نوع شریک"), max_length=20, choices=PartnerType.choices, blank=True)
    coast = models.CharField(_("ساحل"), max_length=20, blank=True, help_text=_("برای استان‌های ساحلی"))
    address = models.CharField(_("نشانی"), max_length=300, blank=True)
    phone = models.CharField(_("تلفن"), max_length=20, blank=True)
    established_on = models.DateField(_("تاریخ تأسیس یا صدور مجوز"), null=True, blank=True)
    is_active = models.BooleanField(_("فعال"), default=True)

    class Meta:
        verbose_name = _("واحد")
        verbose_name_plural = _("واحدها")
        ordering = ["path"]
        indexes = [
            # varchar_pattern_ops lets PostgreSQL answer `path LIKE 'IR/IR-26/%'` from the index
            # whatever the database collation; other backends ignore opclasses.
            models.Index(fields=["path"], name="unit_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["province", "kind"], name="unit_province_kind"),
            models.Index(fields=["county", "kind"], name="unit_county_kind"),
            # A scorecard's rows: the children of one kind (monitoring.selectors.monitored_children).
            models.Index(fields=["parent", "kind", "code"], name="unit_parent_kind"),
        ]

    def __str__(self) -> str:
        return self.name_en if self.name_en and get_language() == "en" else self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("unit_detail", args=[self.code])

    @property
    def sector(self) -> str:
        return sector_of(self.kind)

    def get_sector_display(self) -> str:
        return str(Sector(self.sector).label)

    def ancestor_codes(self) -> list[str]:
        return [code for code in self.path.strip("/").split("/")][:-1]
