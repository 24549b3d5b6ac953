"""The visit plan of a province (its institutes by descending risk, each with its next visit's due date) and an
institute's risk page (every part of its score, with the records it was counted from)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.org.models import Unit, UnitKind

from .. import risk, selectors
from ..models import HELD, Complaint, ComplaintStatus, Finding, Visit

PAGE = 100


def _require(user: Any) -> None:
    if not selectors.may_plan(user):
        raise PermissionDenied(_("نقش شما برنامه بازدید را نمی‌بیند."))


@login_required
def visit_plan(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require(user)
    provinces = list(selectors.provinces_for(user))
    actor = policy.actor_of(user)
    asked = request.GET.get("province", "")[:16]
    province = next((p for p in provinces if p.code == asked), None)
    if province is None and not actor.national and actor.unit is not None:
        province = actor.unit if actor.unit.kind == UnitKind.PROVINCE else actor.unit.province
    today = timezone.localdate()
    rows = risk.plan(selectors.institutes_in(user, province), today) if province is not None else []
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(request, "supervision/plan.html", {
        "title": _("برنامه بازدید نظارتی"), "provinces": provinces, "province": province, "page_obj": page,
        "today": today, "weights": risk.settings_now(), "overdue": sum(1 for r in rows if r.overdue(today)),
        "count": len(rows), "may_plan_visit": policy.may(user, "add", "visit")})


@login_required
def institute_risk(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    _require(user)
    unit = get_object_or_404(policy.scope(user, Unit.objects.filter(kind=UnitKind.FREE_INSTITUTE)), code=code.upper()[:32])
    today = timezone.localdate()
    weights = risk.settings_now()
    rows = risk.plan(Unit.objects.filter(pk=unit.pk), today)
    if not rows:
        raise Http404  # no licence to plan a visit for
    row = rows[0]
    since = risk.add_months(today, -weights.window_months)
    findings = (Finding.objects.filter(visit__institute=unit, visit__status__in=HELD, visit__visited_on__gte=since,
                                       visit__visited_on__lte=today).select_related("visit").order_by("-visit__visited_on", "seq"))
    complaints = (Complaint.objects.filter(institute=unit, received_on__gte=since, received_on__lte=today)
                  .exclude(status=ComplaintStatus.REJECTED).order_by("-received_on"))
    return render(request, "supervision/institute_risk.html", {
        "title": _("ریسک {unit}").format(unit=unit), "unit": unit, "row": row, "r": row.risk, "weights": weights,
        "since": since, "today": today, "findings": findings, "complaints": complaints,
        "sees_complaints": policy.may(user, "view", "complaint"),
        "visits": selectors.visits(user).filter(institute=unit).order_by("-planned_on")[:10],
        "unvisited": row.risk.last_visit is None, "held": Visit.objects.filter(institute=unit, status__in=HELD).count()})
