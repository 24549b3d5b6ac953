"""The fields page: /monitoring/fields/ (the viewer's own area: the nation for HQ, a province for its staff)
and /monitoring/fields/<code>/ (HQ, a province or a county in the viewer's scope), with ?format=csv|xlsx and
?part=areas for the table of provinces or counties."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _

from maharat.common import jalali
from maharat.common.params import year_of_request
from maharat.kit.reports import serve

from ..views import _visible_unit, crumbs
from .demand import INPUTS
from .imbalance import THRESHOLD
from .report import ADVICE, DEMAND_LABELS, PARTS, SUPPLY_LABELS, FieldsReport, formula_text
from .scope import AREA_LEVELS
from .selectors import MIN_INSTITUTES


@login_required
def fields_page(request: HttpRequest, code: str | None = None) -> HttpResponseBase:
    node = _visible_unit(request, code)  # the monitoring permission, and the unit inside the viewer's scope
    if node.kind not in AREA_LEVELS:
        raise Http404
    year = year_of_request(request)
    part = request.GET.get("part") or "clusters"
    part = part if part in PARTS else "clusters"
    report = FieldsReport(node, year, part)
    this_year = jalali.today().year

    def context() -> dict[str, object]:
        from ..selectors import period_text

        f = report.figures
        return {
            "f": f, "node": node, "object": node, "year": year, "breadcrumbs": crumbs(request, node),
            "years": list(range(this_year, this_year - 7, -1)), "title": _("رشته‌ها در برابر تقاضا"),
            "period": period_text(f.progress, node), "formula": formula_text(), "threshold": THRESHOLD,
            "advice": ADVICE, "supply_labels": SUPPLY_LABELS, "demand_labels": DEMAND_LABELS, "inputs": INPUTS,
            "min_institutes": MIN_INSTITUTES,
        }

    return serve(request, report, "monitoring/fields.html", context)
