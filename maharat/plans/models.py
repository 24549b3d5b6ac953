"""Annual commitments (تعهدات ابلاغی): per Jalali year, unit, indicator and section."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from maharat.common.jalali import YEAR_MAX, YEAR_MIN
from maharat.org.models import Sector, Unit, UnitKind

# A Jalali reporting year the platform works in; year 0 or 99999 is a typo (or an attack), not a plan.
YEAR_VALIDATORS = [
    MinValueValidator(YEAR_MIN, message=_("سال باید بین ۱۳۰۰ و ۱۵۰۰ باشد.")),
    MaxValueValidator(YEAR_MAX, message=_("سال باید بین ۱۳۰۰ و ۱۵۰۰ باشد.")),
]
NOT_NEGATIVE = [MinValueValidator(Decimal(0), message=_("این مقدار نمی‌تواند منفی باشد."))]


class Section(models.TextChoices):
    PUBLIC = "public", _("بخش دولتی")
    PRIVATE = "private", _("بخش خصوصی")
    EXEC_RESEARCH = "exec_research", _("اجرایی و پژوهشی")


# The section mapping, in one place. A scorecard shows one section's figures or both together ("total").
TOTAL = "total"
SCORECARD_SECTIONS: tuple[str, ...] = (TOTAL, Section.PUBLIC.value, Section.PRIVATE.value)
# Which units (by org.Sector) a section is about: its figures are theirs, and its commitments are given to
# them. Executive and research commitments are the organisation's own, so its public units'.
SECTION_SECTORS: dict[str, tuple[str, ...]] = {
    TOTAL: (Sector.PUBLIC.value, Sector.PRIVATE.value),
    Section.PUBLIC.value: (Sector.PUBLIC.value,),
    Section.PRIVATE.value: (Sector.PRIVATE.value,),
    Section.EXEC_RESEARCH.value: (Sector.PUBLIC.value,),
}
# Counties and provinces carry every section's commitments, for the units below them.
CARRY_EVERY_SECTION = (UnitKind.COUNTY.value, UnitKind.PROVINCE.value)


def sectors_of(section: str) -> tuple[str, ...]:
    """The sectors of the summary tables whose figures a section (or "total") adds up."""
    return SECTION_SECTORS[section]


def commitment_sections(section: str) -> tuple[str, ...]:
    """The commitment sections a scorecard's section adds up: public and private for the total."""
    return (Section.PUBLIC.value, Section.PRIVATE.value) if section == TOTAL else (section,)


def section_applies(unit: Unit, section: str) -> bool:
    """Private commitments go to counties and free institutes, public ones to everything else."""
    return unit.kind in CARRY_EVERY_SECTION or unit.sector in SECTION_SECTORS[section]


# Executive and research commitments are reported by the directorate, not computed from training records.
EXEC_INDICATORS = {
    "own_revenue": _("درآمد اختصاصی (میلیون ریال)"),
    "research_projects": _("طرح‌های پژوهشی"),
    "trainer_upskilling_hours": _("نفر ساعت آموزش مربیان"),
    "institute_inspections": _("بازدید نظارتی از آموزشگاه‌ها"),
    "asset_sales": _("فروش اموال مازاد ماده ۲۷ (میلیون ریال)"),
}


class Commitment(models.Model):
    year = models.PositiveSmallIntegerField(_("سال"), validators=YEAR_VALIDATORS)
    unit = models.ForeignKey("org.Unit", verbose_name=_("واحد"), on_delete=models.CASCADE, related_name="commitments")
    indicator = models.CharField(_("شاخص"), max_length=40)
    section = models.CharField(_("بخش"), max_length=15, choices=Section.choices)
    target = models.DecimalField(_("تعهد"), max_digits=16, decimal_places=2, validators=NOT_NEGATIVE)
    reported = models.DecimalField(_("عملکرد گزارش‌شده"), max_digits=16, decimal_places=2, null=True, blank=True,
                                   validators=NOT_NEGATIVE, help_text=_("فقط برای تعهدات اجرایی و پژوهشی"))

    class Meta:
        verbose_name = _("تعهد")
        verbose_name_plural = _("تعهدات")
        constraints = [
            models.UniqueConstraint(fields=["year", "unit", "indicator", "section"], name="one_commitment"),
            models.CheckConstraint(condition=models.Q(target__gte=0), name="commitment_not_negative",
                                   violation_error_message=_("تعهد نمی‌تواند منفی باشد.")),
        ]
        indexes = [models.Index(fields=["year", "indicator", "section"], name="commitment_lookup")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year} {self.indicator} {self.section}"

    def indicator_label(self) -> str:
        from .indicators import INDICATORS

        if self.indicator in INDICATORS:
            return str(INDICATORS[self.indicator].label)
        return str(EXEC_INDICATORS.get(self.indicator, self.indicator))


class EvaluationRemark(models.Model):
    """The remark a province writes against a unit in its evaluation meeting (جلسه پایش و ارزیابی)."""

    year = models.PositiveSmallIntegerField(_("سال"), validators=YEAR_VALIDATORS)
    unit = models.ForeignKey("org.Unit", verbose_name=_("واحد"), on_delete=models.CASCADE, related_name="evaluation_remarks")
    text = models.TextField(_("ملاحظات"))

    class Meta:
        verbose_name = _("ملاحظه ارزیابی")
        verbose_name_plural = _("ملاحظات ارزیابی")
        constraints = [models.UniqueConstraint(fields=["year", "unit"], name="one_remark_per_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"
