"""Monitoring reports as tables: the same rows feed the page, the CSV/xlsx export and the command line."""

from __future__ import annotations

from django.utils.translation import gettext as _

from maharat.common import jalali
from maharat.common.tabular import Table
from maharat.org.models import Unit
from maharat.plans.indicators import INDICATORS

from .selectors import Progress, Scorecard, Warning, _score, commitments, evaluation_units, node_measures

LIGHTS = {"green": "سبز", "amber": "زرد", "red": "قرمز", "none": "—"}


def _r(value: float | None, digits: int = 0) -> float | None:
    return None if value is None else round(value, digits)


def scorecard_table(card: Scorecard) -> Table:
    ind = card.indicator
    digits = 1 if ind.is_ratio else 0
    headers = [_("رتبه"), _("واحد"), _("کد"), _("تعهد"), _("عملکرد"), _("درصد تحقق"),
               _("مورد انتظار تا امروز"), _("درصد نسبت به انتظار"), _("پیش‌بینی پایان سال"), _("وضعیت")]
    rows = [
        [r.rank, r.unit.name, r.unit.code, _r(r.commitment, digits), _r(r.achieved, digits), _r(r.percent, 1),
         _r(r.expected, digits), _r(r.pace, 1), _r(r.projection, digits), LIGHTS[r.light]]
        for r in [*card.rows, *( [card.total] if card.total else [])]
    ]
    if card.total:
        rows[-1][0] = _("جمع")
    return Table(
        title=f"{ind.label} {card.year}", headers=headers, rows=rows,
        filename=f"scorecard-{card.parent.code}-{card.year}-{ind.key}-{card.section}",
        notes=[_("{unit} — {indicator} ({measure}) — سال {year} — تهیه‌شده در {day}").format(
            unit=card.parent.name, indicator=ind.label, measure=ind.unit, year=card.year,
            day=jalali.format_date(jalali.today().togregorian(), persian_digits=False))],
    )


def warnings_table(warnings: list[Warning], year: int, indicator: str) -> Table:
    return Table(
        title=_("هشدار عقب‌ماندگی"),
        headers=[_("واحد"), _("کد"), _("استان"), _("تعهد"), _("عملکرد"), _("مورد انتظار تا امروز"), _("عقب‌ماندگی (درصد)")],
        rows=[[w.unit.name, w.unit.code, w.unit.province.name if w.unit.province else "", round(w.commitment),
               round(w.achieved), round(w.expected), round(w.behind, 1)] for w in warnings],
        filename=f"early-warning-{year}-{indicator}",
    )


def evaluation_rows(province: Unit, year: int, remarks: dict[int, str]) -> list[dict]:
    """Each public center of the province: commitment, achievement and gap in person-hours and trainees."""
    units = evaluation_units(province)
    progress = Progress.of(year)
    measures = node_measures([u.pk for u in units], year, sectors=("public",), until_month=progress.until_month)
    out = []
    targets = {k: commitments(units, year, k, "public") for k in ("person_hours", "trainees")}
    for u in units:
        ph = _score(u, INDICATORS["person_hours"], measures[u.pk], targets["person_hours"][u.pk], progress)
        tr = _score(u, INDICATORS["trainees"], measures[u.pk], targets["trainees"][u.pk], progress)
        out.append({
            "unit": u, "ph": ph, "tr": tr,
            "ph_gap": (ph.achieved - ph.commitment) if ph.commitment is not None else None,
            "tr_gap": (tr.achieved - tr.commitment) if tr.commitment is not None else None,
            "remark": remarks.get(u.pk) or auto_remark(ph),
        })
    return out


def auto_remark(row) -> str:  # type: ignore[no-untyped-def]
    if row.commitment is None:
        return _("تعهدی ابلاغ نشده است.")
    if row.pace is None:
        return ""
    if row.pace >= 100:
        return _("بیش از تعهد")
    if row.pace >= 95:
        return _("مطابق برنامه")
    return _("عقب از برنامه به میزان {p}٪").format(p=round(100 - row.pace, 1))


def evaluation_table(province: Unit, year: int, rows: list[dict]) -> Table:
    return Table(
        title=_("ارزیابی مراکز"),
        headers=[_("ردیف"), _("مرکز"), _("تعهد نفر ساعت"), _("عملکرد نفر ساعت"), _("انحراف نفر ساعت"), _("درصد تحقق"),
                 _("تعهد کارآموز"), _("عملکرد کارآموز"), _("انحراف کارآموز"), _("ملاحظات")],
        rows=[[i, r["unit"].name, _r(r["ph"].commitment), _r(r["ph"].achieved), _r(r["ph_gap"]), _r(r["ph"].percent, 1),
               _r(r["tr"].commitment), _r(r["tr"].achieved), _r(r["tr_gap"]), r["remark"]] for i, r in enumerate(rows, 1)],
        filename=f"evaluation-{province.code}-{year}",
    )


def annual_report(province: Unit, year: int) -> dict:
    """The figures a directorate gives at its annual press briefing, for the page, PDF and xlsx."""
    from django.db.models import Count

    from maharat.org.models import UnitKind
    from maharat.people.models import Trainer
    from maharat.training.models import Workshop

    from .selectors import breakdown

    units = dict(Unit.objects.filter(province=province).values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    clusters = dict(Unit.objects.filter(province=province, kind=UnitKind.FREE_INSTITUTE).values_list("cluster")
                    .annotate(n=Count("id")).values_list("cluster", "n"))
    progress = Progress.of(year)
    measures = node_measures([province.pk], year, until_month=progress.until_month)[province.pk]
    target = commitments([province], year, "person_hours", "total")[province.pk]
    ph = _score(province, INDICATORS["person_hours"], measures, target, progress)
    return {
        "province": province, "year": year,
        "fixed_centers": units.get(UnitKind.FIXED_CENTER, 0), "urban_branches": units.get(UnitKind.URBAN_BRANCH, 0),
        "workplace_centers": units.get(UnitKind.WORKPLACE_CENTER, 0), "free_institutes": units.get(UnitKind.FREE_INSTITUTE, 0),
        "official_trainers": Trainer.objects.filter(home_unit__province=province, employment="official", is_active=True).count(),
        "contract_trainers": Trainer.objects.filter(home_unit__province=province, employment="contract", is_active=True).count(),
        "fixed_workshops": Workshop.objects.filter(unit__province=province, is_fixed=True, is_active=True).count(),
        "person_hours": ph, "measures": measures,
        "clusters": sorted(clusters.items(), key=lambda kv: -kv[1]),
        "target_groups": breakdown(province, year, "target_group", until_month=progress.until_month),
    }


def annual_table(report: dict) -> Table:
    from maharat.catalog.models import Cluster

    labels = dict(Cluster.choices)
    m, ph = report["measures"], report["person_hours"]
    rows: list[list] = [
        [_("مراکز ثابت"), report["fixed_centers"]], [_("شعب شهری"), report["urban_branches"]],
        [_("مراکز جوار کارگاهی"), report["workplace_centers"]], [_("آموزشگاه‌های آزاد"), report["free_institutes"]],
        [_("مربیان رسمی"), report["official_trainers"]], [_("مربیان قراردادی"), report["contract_trainers"]],
        [_("کارگاه‌های ثابت"), report["fixed_workshops"]],
        [_("نفر ساعت آموزش"), round(ph.achieved)], [_("تعهد نفر ساعت"), round(ph.commitment) if ph.commitment else None],
        [_("درصد تحقق"), round(ph.percent, 1) if ph.percent is not None else None],
        [_("کارآموز (نفر)"), m["trainees"]], [_("گواهینامه مهارت"), m["certificates"]],
    ]
    rows += [[_("آموزشگاه آزاد — {c}").format(c=labels.get(c, c)), n] for c, n in report["clusters"]]
    rows += [[_("گروه هدف — {g}").format(g=g["value"]), g["enrollments"]] for g in report["target_groups"]]
    return Table(title=_("گزارش سالانه"), headers=[_("شاخص"), _("مقدار")], rows=rows,
                 filename=f"annual-{report['province'].code}-{report['year']}")
