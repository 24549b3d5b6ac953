"""Monitoring reports as objects (kit/reports.py): the same rows feed the page, CSV, xlsx, PDF and the command line.

Each report's fields are its parameters; what it computes from them (the scorecard, the evaluation rows, the
annual figures) is computed once and shared by the page and every export.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from maharat.common import jalali
from maharat.common.tabular import Cell
from maharat.kit.reports import Report
from maharat.org.models import Unit, UnitKind
from maharat.plans.indicators import INDICATORS
from maharat.plans.models import Section, sectors_of
from maharat.training.selectors import trainers_under, workshops_under

from .breakdowns import breakdown
from .models import NodeMonth
from .selectors import (
    Progress,
    Scorecard,
    ScoreRow,
    _score,
    commitments,
    evaluation_units,
    node_measures,
    period_text,
    scorecard,
    target_group_names,
)
from .warnings import Behind, Warning, as_warnings, behind_units

LIGHTS = {"green": gettext_noop("سبز"), "amber": gettext_noop("زرد"), "red": gettext_noop("قرمز"), "none": "—"}


def _r(value: float | None, digits: int = 0) -> float | None:
    return None if value is None else round(value, digits)


@dataclass
class ScorecardReport(Report):
    node: Unit
    year: int
    indicator: str = "person_hours"
    section: str = "total"
    sort: str = "rank"
    model = NodeMonth

    @cached_property
    def card(self) -> Scorecard:
        return scorecard(self.node, self.year, self.indicator, self.section, sort=self.sort)

    @property
    def title(self) -> str:
        return f"{self.card.indicator.label} {self.card.year}"

    @property
    def filename(self) -> str:
        card = self.card
        return f"scorecard-{card.parent.code}-{card.year}-{card.indicator.key}-{card.section}"

    def headers(self) -> Sequence[str]:
        extra = self.card.companion  # the private share's trainees beside its person-hours (handover.py)
        return [_("رتبه"), _("واحد"), _("کد"), _("تعهد"), _("عملکرد"), _("درصد تحقق"),
                _("مورد انتظار تا امروز"), _("درصد نسبت به انتظار"), _("پیش‌بینی پایان سال"), _("وضعیت"),
                *([str(extra.label), _("درصد تحقق ({figure})").format(figure=extra.label)] if extra else [])]

    def rows(self) -> Iterator[Sequence[Cell]]:
        card = self.card
        digits = 1 if card.indicator.is_ratio else 0
        extra = card.companion is not None
        for r in card.rows:
            yield self._row(r.rank, r, digits, extra)
        if card.total:
            yield self._row(_("جمع"), card.total, digits, extra)

    @staticmethod
    def _row(first: Cell, r: Any, digits: int, extra: bool = False) -> list[Cell]:
        return [first, str(r.unit), r.unit.code, _r(r.commitment, digits), _r(r.achieved, digits), _r(r.percent, 1),
                _r(r.expected, digits), _r(r.pace, 1), _r(r.projection, digits), _(LIGHTS[r.light]),
                *([_r(r.companion, 1), _r(r.companion_percent, 1)] if extra else [])]

    def notes(self) -> list[str]:
        card, ind = self.card, self.card.indicator
        return [_("{unit} — {indicator} ({measure}) — سال {year} — تهیه‌شده در {day}").format(
            unit=str(card.parent), indicator=ind.label, measure=ind.unit, year=card.year,
            day=jalali.format_date(jalali.today().togregorian(), persian_digits=False))
            + " — " + period_text(card.progress, card.parent, card.section)]


@dataclass
class WarningsReport(Report):
    root: Unit
    year: int
    indicator: str
    section: str
    margin: float
    visible: QuerySet[Unit] | None = None  # the units the viewer may see
    model = NodeMonth

    @cached_property
    def behind(self) -> list[Behind]:
        """The units behind, without their records: what the page counts, groups and pages."""
        return behind_units(self.root, self.year, self.indicator, self.section, margin=self.margin, visible=self.visible)

    @cached_property
    def warnings(self) -> list[Warning]:
        """Every row with its unit: the export's."""
        return as_warnings(self.behind)

    @property
    def title(self) -> str:
        return _("هشدار عقب‌ماندگی")

    @property
    def filename(self) -> str:
        return f"early-warning-{self.year}-{self.indicator}"

    def headers(self) -> Sequence[str]:
        return [_("واحد"), _("کد"), _("استان"), _("تعهد"), _("عملکرد"), _("مورد انتظار تا امروز"), _("عقب‌ماندگی (درصد)")]

    def rows(self) -> Iterator[Sequence[Cell]]:
        for w in self.warnings:
            yield [str(w.unit), w.unit.code, str(w.unit.province) if w.unit.province else "", round(w.commitment),
                   round(w.achieved), round(w.expected), round(w.behind, 1)]


def evaluation_rows(province: Unit, year: int, remarks: dict[int, str]) -> list[dict]:
    """Each public center of the province: commitment, achievement and gap in person-hours and trainees."""
    units = evaluation_units(province)
    progress = Progress.of(year)
    measures = node_measures([u.pk for u in units], year, sectors=sectors_of(Section.PUBLIC),
                             until_month=progress.until_month)
    out = []
    targets = {k: commitments(units, year, k, Section.PUBLIC) for k in ("person_hours", "trainees")}
    for u in units:
        ph = _score(u, INDICATORS["person_hours"], measures[u.pk], targets["person_hours"][u.pk], progress)
        tr = _score(u, INDICATORS["trainees"], measures[u.pk], targets["trainees"][u.pk], progress)
        out.append({
            "unit": u, "ph": ph, "tr": tr,
            # Deviation from what was expected by today (the commitment, once the year is over): the sign,
            # the colour and the remark all follow ScoreRow.standing.
            "ph_gap": ph.deviation, "tr_gap": tr.deviation,
            "remark": remarks.get(u.pk) or auto_remark(ph),
        })
    return out


def auto_remark(row: ScoreRow) -> str:
    return row.standing.text


@dataclass
class EvaluationReport(Report):
    province: Unit
    year: int
    remarks: dict[int, str] = field(default_factory=dict)
    model = NodeMonth
    print_template = "monitoring/evaluation_print.html"

    @cached_property
    def evaluation(self) -> list[dict]:
        return evaluation_rows(self.province, self.year, self.remarks)

    @property
    def title(self) -> str:
        return _("ارزیابی مراکز")

    @property
    def filename(self) -> str:
        return f"evaluation-{self.province.code}-{self.year}"

    def headers(self) -> Sequence[str]:
        return [_("ردیف"), _("مرکز"), _("تعهد نفر ساعت"), _("عملکرد نفر ساعت"),
                _("انحراف نفر ساعت از مورد انتظار تا امروز"), _("درصد تحقق"), _("تعهد کارآموز"), _("عملکرد کارآموز"),
                _("انحراف کارآموز از مورد انتظار تا امروز"), _("ملاحظات")]

    def rows(self) -> Iterator[Sequence[Cell]]:
        for i, r in enumerate(self.evaluation, 1):
            yield [i, str(r["unit"]), _r(r["ph"].commitment), _r(r["ph"].achieved), _r(r["ph_gap"]),
                   _r(r["ph"].percent, 1), _r(r["tr"].commitment), _r(r["tr"].achieved), _r(r["tr_gap"]), r["remark"]]


def annual_report(province: Unit, year: int) -> dict:
    """The figures a directorate gives at its annual press briefing, for the page, PDF and xlsx."""
    units = dict(Unit.objects.filter(province=province).values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    clusters = dict(Unit.objects.filter(province=province, kind=UnitKind.FREE_INSTITUTE).values_list("cluster")
                    .annotate(n=Count("id")).values_list("cluster", "n"))
    progress = Progress.of(year)
    names = target_group_names()  # in the page's language
    measures = node_measures([province.pk], year, until_month=progress.until_month)[province.pk]
    target = commitments([province], year, "person_hours", "total")[province.pk]
    ph = _score(province, INDICATORS["person_hours"], measures, target, progress)
    trainers = dict(trainers_under(province).order_by().values_list("employment").annotate(n=Count("id")).values_list("employment", "n"))
    return {
        "province": province, "year": year,
        "fixed_centers": units.get(UnitKind.FIXED_CENTER, 0), "urban_branches": units.get(UnitKind.URBAN_BRANCH, 0),
        "workplace_centers": units.get(UnitKind.WORKPLACE_CENTER, 0), "free_institutes": units.get(UnitKind.FREE_INSTITUTE, 0),
        "official_trainers": trainers.get("official", 0), "contract_trainers": trainers.get("contract", 0),
        "fixed_workshops": workshops_under(province).filter(is_fixed=True).count(),
        "person_hours": ph, "measures": measures,
        "clusters": sorted(clusters.items(), key=lambda kv: -kv[1]),
        "target_groups": [{**g, "label": names.get(g["value"], g["value"])}
                          for g in breakdown(province, year, "target_group", until_month=progress.until_month)],
    }


@dataclass
class AnnualReport(Report):
    province: Unit
    year: int
    model = NodeMonth
    print_template = "monitoring/annual_print.html"

    @cached_property
    def figures(self) -> dict:
        return annual_report(self.province, self.year)

    @property
    def title(self) -> str:
        return _("گزارش سالانه")

    @property
    def filename(self) -> str:
        return f"annual-{self.province.code}-{self.year}"

    def headers(self) -> Sequence[str]:
        return [_("شاخص"), _("مقدار")]

    def rows(self) -> Iterator[Sequence[Cell]]:
        from maharat.catalog.models import Cluster

        labels = dict(Cluster.choices)
        report = self.figures
        m, ph = report["measures"], report["person_hours"]
        yield from [
            [_("مراکز ثابت"), report["fixed_centers"]], [_("شعب شهری"), report["urban_branches"]],
            [_("مراکز جوار کارگاهی"), report["workplace_centers"]], [_("آموزشگاه‌های آزاد"), report["free_institutes"]],
            [_("مربیان رسمی"), report["official_trainers"]], [_("مربیان قراردادی"), report["contract_trainers"]],
            [_("کارگاه‌های ثابت"), report["fixed_workshops"]],
            [_("نفر ساعت آموزش"), round(ph.achieved)], [_("تعهد نفر ساعت"), round(ph.commitment) if ph.commitment else None],
            [_("درصد تحقق"), round(ph.percent, 1) if ph.percent is not None else None],
            [_("کارآموز (نفر)"), m["trainees"]], [_("گواهینامه مهارت"), m["certificates"]],
        ]
        for c, n in report["clusters"]:
            yield [_("آموزشگاه آزاد — {c}").format(c=labels.get(c, c)), n]
        for g in report["target_groups"]:
            yield [_("گروه هدف — {g}").format(g=g["label"]), g["enrollments"]]
