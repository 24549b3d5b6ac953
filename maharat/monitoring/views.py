"""Monitoring pages: scorecards with drill-down, unit page, early warning, map and the evaluation report."""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maharat.access import policy
from maharat.catalog.models import Cluster
from maharat.common import jalali
from maharat.common.params import BadParameter, parse_int, requested_year, year_of_request
from maharat.common.persian import normalize_digits
from maharat.common.templatetags.persian import jalali_today
from maharat.kit.reports import serve
from maharat.org.models import Unit, UnitKind
from maharat.org.selectors import visible_ancestors
from maharat.people.models import Residence
from maharat.plans.indicators import INDICATORS
from maharat.plans.models import SCORECARD_SECTIONS, TOTAL, EvaluationRemark, Section
from maharat.plans.services import set_remark
from maharat.training.models import DeliveryMode

from . import breakdowns, handover, reports, selectors
from .warnings import as_warnings, in_province_order, warnings_by_province

# Lazy (both): the labels follow each request's language.
DIMENSION_LABELS = {k: v for choices in (DeliveryMode.choices, Cluster.choices, Residence.choices) for k, v in choices}
SECTION_LABELS = {s: gettext_lazy("مجموع") if s == TOTAL else Section(s).label for s in SCORECARD_SECTIONS}


def _visible_unit(request: HttpRequest, code: str | None) -> Unit:
    policy.require_may(request.user, "view", "monitoring")
    actor = policy.actor_of(request.user)
    if code is None:
        if actor.unit is None:
            raise Http404
        return actor.unit
    return get_object_or_404(policy.scope(request.user, Unit.objects.all()), code=code.upper())


def crumbs(request: HttpRequest, node: Unit) -> list[Unit]:
    """The node's ancestors the viewer may open: a province's manager sees no link to HQ's page (it was a 404)."""
    return visible_ancestors(request.user, node)


def _params(request: HttpRequest) -> dict[str, Any]:
    year = year_of_request(request)
    indicator = request.GET.get("indicator") or "person_hours"
    if indicator not in INDICATORS:
        indicator = "person_hours"
    section = request.GET.get("section") or TOTAL
    if section not in SCORECARD_SECTIONS:
        section = TOTAL
    # The private share is a share of all training: its figures are over both sectors whatever is asked.
    return {"year": year, "indicator": indicator, "section": handover.section_for(indicator, section)}


def _choices(params: dict[str, Any]) -> dict[str, Any]:
    this_year = jalali.today().year
    return {
        "years": list(range(this_year, this_year - 7, -1)),
        "indicators": [(k, i.label) for k, i in INDICATORS.items()],
        "sections": list(SECTION_LABELS.items()),
        **params,
    }


@login_required
def scorecard(request: HttpRequest, code: str | None = None) -> HttpResponseBase:
    node = _visible_unit(request, code)
    if node.kind not in (UnitKind.HQ, UnitKind.PROVINCE, UnitKind.COUNTY, UnitKind.FIXED_CENTER):
        return redirect("monitoring_unit", code=node.code)
    params = _params(request)
    report = reports.ScorecardReport(node, params["year"], params["indicator"], params["section"],
                                     sort=request.GET.get("sort") or "rank")
    return serve(request, report, "monitoring/scorecard.html", lambda: {
        **_choices(params), "card": report.card, "node": node, "object": node, "breadcrumbs": crumbs(request, node),
        "sort": report.sort, "title": _("کارنامه عملکرد"),
        "columns": [("rank", _("رتبه")), ("name", _("واحد")), ("commitment", _("تعهد")), ("achieved", _("عملکرد")),
                    ("percent", _("درصد تحقق")), ("expected", _("مورد انتظار تا امروز")),
                    ("pace", _("نسبت به انتظار")), ("projection", _("پیش‌بینی پایان سال"))],
        "section_label": SECTION_LABELS[params["section"]],
        "period": selectors.period_text(report.card.progress, node, params["section"]),
    })


@login_required
def unit_page(request: HttpRequest, code: str) -> HttpResponse:
    node = _visible_unit(request, code)
    params = _params(request)
    progress = selectors.Progress.of(params["year"])
    series = selectors.monthly_series(node, params["year"], params["indicator"], params["section"])
    kpis = [
        selectors.scorecard(node, params["year"], key, params["section"], children=[]).total
        for key, ind in INDICATORS.items() if ind.key_indicator or ind.is_ratio
    ]
    split = breakdowns.breakdowns(node, params["year"], until_month=progress.until_month)
    dims = {key: (title, split[key]) for key, (_col, title) in breakdowns.BREAKDOWNS.items()}
    dims["target_group"] = (breakdowns.TARGET_GROUP_TITLE, split["target_group"])
    return render(request, "monitoring/unit.html", {
        **_choices(params), "node": node, "object": node, "breadcrumbs": crumbs(request, node), "series": series,
        # the chart's numbers as a table (for screen readers, keyboards and anyone who wants the figures)
        "series_rows": list(zip(series["months"], series["monthly"], series["cumulative"],
                                series["target_line"] or [None] * len(series["months"]), strict=True)),
        "kpis": [(INDICATORS[k], row) for k, row in zip([k for k, i in INDICATORS.items() if i.key_indicator or i.is_ratio], kpis, strict=True)],
        "dims": dims, "progress": progress, "title": _("پایش واحد"), "labels": {**DIMENSION_LABELS, **selectors.target_group_names()},
        "period": selectors.period_text(progress, node, params["section"]),
    })


def _margin(request: HttpRequest) -> float:
    """How far behind pace (percentage points, 0 to 100) counts as a warning; the setting if unusable."""
    default = settings.MAHARAT_WARNING_MARGIN
    text = (request.GET.get("margin") or "").strip()
    try:
        # Typed in Persian, Arabic-Indic or Latin digits, with «٫» or «.» as the decimal point (the box shows the
        # page's digits).
        margin = float(normalize_digits(text).replace("٫", ".").replace("/", ".")) if text else default
    except ValueError:
        margin = default
    return margin if math.isfinite(margin) and 0 <= margin <= 100 else default


@login_required
def alerts(request: HttpRequest) -> HttpResponseBase:
    root = _visible_unit(request, request.GET.get("unit"))
    params = _params(request)
    report = reports.WarningsReport(root, params["year"], params["indicator"], params["section"], _margin(request),
                                    visible=policy.scope(request.user, Unit.objects.all()))
    return serve(request, report, "monitoring/alerts.html", lambda: _alerts_context(request, report, root, params))


def _alerts_context(request: HttpRequest, report: reports.WarningsReport, root: Unit, params: dict[str, Any]) -> dict[str, Any]:
    """Grouped by province (a count per province at the head) and paged below, province by province; one
    province's list with ?province=IR-26. The exports hold every row."""
    from django.core.paginator import Paginator

    rows = report.behind
    chosen = (request.GET.get("province") or "").upper()
    groups = warnings_by_province(rows)
    if chosen:
        area = next((g.province.pk for g in groups if g.province is not None and g.province.code == chosen), -1)
        rows = [r for r in rows if r.area_id == area]
    page = Paginator(in_province_order(rows), settings.MAHARAT_PAGE_SIZE * 2).get_page(request.GET.get("page"))
    return {
        **_choices(params), "root": root, "warnings": as_warnings(list(page.object_list)), "page_obj": page,
        "groups": groups, "total": len(report.behind), "chosen_province": chosen, "margin": report.margin,
        "period": selectors.period_text(selectors.Progress.of(params["year"]), root, params["section"]),
        "title": _("هشدار عقب‌ماندگی"),
    }


@lru_cache(maxsize=1)
def _map_shapes() -> dict[str, Any]:
    path = Path(settings.PACKAGE_DIR) / "static" / "vendor" / "map" / "iran-provinces.json"
    return json.loads(path.read_text(encoding="utf-8"))


COLOURS = [(100, "#1a7f4b"), (95, "#5cb85c"), (80, "#f0ad4e"), (60, "#e8743b"), (0, "#d9534f")]


def colour_for(pace: float | None) -> str:
    if pace is None:
        return "#d6d8db"
    return next(c for limit, c in COLOURS if pace >= limit)


@login_required
def iran_map(request: HttpRequest) -> HttpResponse:
    hq = _visible_unit(request, "IR")
    params = _params(request)
    card = selectors.scorecard(hq, params["year"], params["indicator"], params["section"])
    by_name = {r.unit.name: r for r in card.rows}
    shapes = []
    for shape in _map_shapes()["provinces"]:
        row = by_name.get(shape["name"])
        shapes.append({**shape, "row": row, "fill": colour_for(row.pace if row else None)})
    return render(request, "monitoring/map.html", {
        **_choices(params), "shapes": shapes, "view_box": _map_shapes()["viewBox"], "card": card,
        "legend": COLOURS, "title": _("نقشه تحقق تعهدات"),
    })


@login_required
def evaluation(request: HttpRequest, code: str) -> HttpResponseBase:
    province = _visible_unit(request, code)
    if province.kind != UnitKind.PROVINCE:
        raise Http404
    params = _params(request)
    year = params["year"]
    actor = policy.actor_of(request.user)
    may_remark = policy.may(request.user, "change", "commitment") and (
        actor.national or policy.in_subtree(province, actor.unit)  # type: ignore[arg-type]
    )
    if request.method == "POST" and may_remark:
        if requested_year(request)[1]:  # a remark is never filed under another year than the one asked for
            messages.error(request, requested_year(request)[1])
            return redirect(reverse("monitoring_evaluation", args=[province.code]))
        try:
            unit_pk = parse_int(request.POST.get("unit"), name="unit", low=1, high=2**62)
        except BadParameter:
            unit_pk = None
        unit = get_object_or_404(Unit, pk=unit_pk or 0, province=province)
        set_remark(user=request.user, unit=unit, year=year, text=request.POST.get("remark") or "")
        messages.success(request, _("ملاحظه ثبت شد."))
        return redirect(f"{reverse('monitoring_evaluation', args=[province.code])}?year={year}")
    remarks = dict(EvaluationRemark.objects.filter(year=year, unit__province=province).values_list("unit_id", "text"))
    report = reports.EvaluationReport(province, year, remarks)
    return serve(request, report, "monitoring/evaluation.html", lambda: {
        **_choices(params), "province": province, "rows": report.evaluation, "may_remark": may_remark,
        "title": _("گزارش جلسه پایش و ارزیابی"), "object": province, "breadcrumbs": crumbs(request, province),
        "period": selectors.period_text(selectors.Progress.of(year), None, "public"),
        "today": jalali_today()})


@login_required
def annual(request: HttpRequest, code: str) -> HttpResponseBase:
    """A province's annual report: the figures of its press briefing, as a page, PDF and xlsx."""
    province = _visible_unit(request, code)
    if province.kind != UnitKind.PROVINCE:
        raise Http404
    params = _params(request)
    report = reports.AnnualReport(province, params["year"])
    return serve(request, report, "monitoring/annual.html", lambda: {
        **_choices(params), "r": report.figures, "province": province, "object": province,
        "breadcrumbs": crumbs(request, province), "title": _("گزارش سالانه اداره کل"),
        "period": selectors.period_text(selectors.Progress.of(params["year"]), province),
        "today": jalali_today(), "cluster_labels": DIMENSION_LABELS})
