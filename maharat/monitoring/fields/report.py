"""The fields page as a report object (kit/reports.py): the same figures for the page, CSV and xlsx.

Two tables, one report each way: `part="clusters"` (the default: a row per cluster, supply, public centers,
demand, the shares by component, the index and the advice, ranked) and `part="areas"` (a row per province or
county, ranked by how far its mix of fields is from its demand).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maharat.catalog.models import Cluster
from maharat.common import jalali
from maharat.common.tabular import Cell
from maharat.kit.reports import Report
from maharat.org.models import Unit

from ..models import Fact
from ..selectors import period_text
from .demand import APPLICANTS, PRIORITY, WAITING
from .imbalance import BALANCED, ENCOURAGE, HOLD, THRESHOLD, UNKNOWN
from .selectors import ClusterRow, Fields, fields

PARTS = ("clusters", "areas")
ADVICE = {
    ENCOURAGE: gettext_lazy("تشویق صدور پروانه جدید"), HOLD: gettext_lazy("خودداری از صدور پروانه جدید"),
    BALANCED: gettext_lazy("متوازن"), UNKNOWN: gettext_lazy("تقاضایی ثبت نشده"),
}
SUPPLY_LABELS = {"institutes": gettext_lazy("آموزشگاه‌ها"), "seats": gettext_lazy("ظرفیت کارگاه‌ها"),
                 "person_hours": gettext_lazy("نفر ساعت")}
DEMAND_LABELS = {APPLICANTS: gettext_lazy("متقاضیان"), WAITING: gettext_lazy("فهرست انتظار"),
                 PRIORITY: gettext_lazy("برنامه‌های اولویت‌دار")}


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


@dataclass
class FieldsReport(Report):
    node: Unit
    year: int
    part: str = "clusters"
    model = Fact  # summaries: no personal data

    @cached_property
    def figures(self) -> Fields:
        return fields(self.node, self.year)

    @property
    def title(self) -> str:
        return _("رشته‌ها در برابر تقاضا")

    @property
    def filename(self) -> str:
        return f"fields-{self.node.code}-{self.year}" + ("-areas" if self.part == "areas" else "")

    def headers(self) -> Sequence[str]:
        if self.part == "areas":
            return [_("رتبه"), _("واحد"), _("کد"), _("آموزشگاه‌های آزاد"), _("شاخص ناهمخوانی (درصد)"),
                    _("بیشترین مازاد"), _("بیشترین کمبود")]
        return [
            _("رتبه"), _("خوشه"), _("آموزشگاه‌های آزاد"), _("کارگاه‌های آموزشگاه‌ها"), _("ظرفیت کارگاه‌های آموزشگاه‌ها (نفر)"),
            _("نفر ساعت آموزشگاه‌ها"), _("کارگاه‌های مراکز دولتی"), _("ظرفیت کارگاه‌های مراکز دولتی (نفر)"),
            _("نفر ساعت مراکز دولتی"), _("شرکت‌کننده (هر دو بخش)"), _("ظرفیت دوره‌ها (نفر)"), _("نرخ پر شدن دوره‌ها (درصد)"),
            *[str(label) for label in DEMAND_LABELS.values()],
            *[_("سهم از عرضه — {k}").format(k=label) for label in SUPPLY_LABELS.values()],
            _("سهم عرضه (درصد)"),
            *[_("سهم از تقاضا — {k}").format(k=label) for label in DEMAND_LABELS.values()],
            _("سهم تقاضا (درصد)"), _("شاخص ناهمخوانی (واحد درصد)"), _("پیشنهاد"),
        ]

    def rows(self) -> Iterator[Sequence[Cell]]:
        if self.part == "areas":
            labels = dict(Cluster.choices)
            for a in self.figures.areas:
                yield [a.rank, str(a.unit), a.unit.code, a.institutes, _r(a.dissimilarity),
                       str(labels[a.over]) if a.over else None, str(labels[a.under]) if a.under else None]
            return
        for r in self.figures.ranked:
            yield self._cluster(r)

    @staticmethod
    def _cluster(r: ClusterRow) -> list[Cell]:
        return [
            r.rank, r.label, r.institutes, r.private.get("workshops", 0), r.private.get("seats", 0),
            r.private.get("person_hours", 0), r.public.get("workshops", 0), r.public.get("seats", 0),
            r.public.get("person_hours", 0), r.enrollments,
            r.offered, _r(r.fill()),
            *[_r(r.demand.get(k), 0) if k in r.demand else None for k in DEMAND_LABELS],
            *[_r(r.supply_parts.get(k)) for k in SUPPLY_LABELS], _r(r.supply_share),
            *[_r(r.demand_parts.get(k)) for k in DEMAND_LABELS], _r(r.demand_share), _r(r.index),
            str(ADVICE[r.advice]),
        ]

    def notes(self) -> list[str]:
        f = self.figures
        return [
            _("{unit} — رشته‌ها در برابر تقاضا — سال {year} — تهیه‌شده در {day}").format(
                unit=str(f.node), year=f.year, day=jalali.format_date(jalali.today().togregorian(), persian_digits=False))
            + " — " + period_text(f.progress, f.node),
            formula_text(),
        ]


def formula_text() -> str:
    """The formula in words, the same on the page and in the exports (docs/fields.md)."""
    from maharat.common.persian import localize_digits

    return localize_digits(_(
        "سهم هر مؤلفه = مقدار خوشه ÷ جمع همه خوشه‌ها × ۱۰۰. سهم عرضه = میانگین سهم‌های آموزشگاه‌ها، ظرفیت کارگاه‌های "
        "آموزشگاه‌ها و نفر ساعت آموزشگاه‌ها؛ سهم تقاضا = میانگین سهم‌های متقاضیان، فهرست انتظار و برنامه‌های "
        "اولویت‌دار (مؤلفه بی‌داده کنار می‌رود). شاخص ناهمخوانی = سهم عرضه − سهم تقاضا (واحد درصد)؛ "
        "{t} واحد یا بیشتر: خودداری از صدور پروانه جدید، منفی {t} یا کمتر: تشویق صدور پروانه جدید. "
        "شاخص ناهمخوانی منطقه = نصف جمع قدر مطلق شاخص‌های خوشه‌ها."
    ).format(t=int(THRESHOLD)))
