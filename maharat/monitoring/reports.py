"""Monitoring reports as tables: the same rows feed the page, the CSV/xlsx export and the command line."""

from __future__ import annotations

from django.utils.translation import gettext as _

from maharat.common import jalali
from maharat.exchange.tabular import Table
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
