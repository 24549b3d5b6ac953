"""Commitment pages: a unit's commitments, how its children's add up, and distributing them.

Here, not in plans, because both pages need monitoring's figures: the units a commitment is handed to (the
scorecard's rows) and what they achieved last year, which spreading goes by. Writes go through plans
(services.set_commitment, spread.spread_commitment), checked by the permission layer and audited.
The URLs (/commitments/…, names "commitments" and "allocate") are below, included by config/urls.py.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.common import jalali
from maharat.common.params import requested_year, year_of_request
from maharat.org.models import Unit
from maharat.plans import services
from maharat.plans.forms import AllocationForm, CommitmentForm
from maharat.plans.indicators import INDICATORS
from maharat.plans.models import EXEC_INDICATORS, Commitment, Section

from .commitments import allocation, children_for, spread_by_last_year
from .views import crumbs


def _unit(request: HttpRequest, code: str) -> Unit:
    policy.require_may(request.user, "view", "commitment")
    return get_object_or_404(policy.scope(request.user, Unit.objects.all()), code=code.upper())


def _label(indicator: str) -> str:
    return str(INDICATORS[indicator].label) if indicator in INDICATORS else str(EXEC_INDICATORS.get(indicator, indicator))


@login_required
def commitments(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit(request, code)
    year, bad_year = requested_year(request) if request.method == "POST" else (year_of_request(request), "")
    may_edit = services.may_commit(request.user, unit)
    form = CommitmentForm(request.POST or None)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if bad_year:
            form.add_error(None, bad_year)  # never saved under another year than the one asked for
        elif form.is_valid():
            d = form.cleaned_data
            try:
                services.set_commitment(user=request.user, unit=unit, year=year, indicator=d["indicator"],
                                        section=d["section"], target=d["target"], reported=d.get("reported"))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("تعهد ثبت شد."))
                return redirect(f"{reverse('commitments', args=[unit.code])}?year={year}")
    rows = allocation(unit, year)
    for row in rows:
        row["label"] = _label(row["commitment"].indicator)
    this_year = jalali.today().year
    return render(request, "plans/commitments.html", {
        "unit": unit, "object": unit, "year": year, "rows": rows, "form": form, "may_edit": may_edit,
        "breadcrumbs": crumbs(request, unit), "years": list(range(this_year, this_year - 7, -1)),
        "title": _("تعهدات ابلاغی"), "has_children": bool(children_for(unit)),
    })


@login_required
def allocate(request: HttpRequest, code: str, indicator: str, section: str) -> HttpResponse:
    """Edit the children's commitments for one indicator and section, or spread by last year's share."""
    unit = _unit(request, code)
    year, bad_year = requested_year(request) if request.method == "POST" else (year_of_request(request), "")
    if section not in Section.values or (indicator not in INDICATORS and indicator not in EXEC_INDICATORS):
        raise PermissionDenied
    children = children_for(unit, section)
    may_edit = bool(children) and all(services.may_commit(request.user, c) for c in children[:1])
    current: dict[int, Decimal | None] = {c.unit_id: c.target for c in Commitment.objects.filter(unit__in=children, year=year, indicator=indicator, section=section)}
    parent = Commitment.objects.filter(unit=unit, year=year, indicator=indicator, section=section).first()
    form = AllocationForm(request.POST or None, children=children, initial_values=current)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        try:
            if bad_year:
                raise ValidationError(bad_year)
            if "spread" in request.POST:
                spread_by_last_year(user=request.user, parent=unit, year=year, indicator=indicator, section=section)
                messages.success(request, _("تعهد به نسبت عملکرد سال گذشته میان زیرمجموعه‌ها تقسیم شد."))
                return redirect(request.get_full_path())
            if form.is_valid():
                with transaction.atomic():
                    for child in children:
                        value = form.cleaned_data.get(f"u{child.pk}")
                        services.set_commitment(user=request.user, unit=child, year=year, indicator=indicator,
                                                section=section, target=value)
                messages.success(request, _("تعهدات زیرمجموعه ذخیره شد."))
                return redirect(request.get_full_path())
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    total = sum((v for v in current.values() if v is not None), Decimal(0))
    return render(request, "plans/allocate.html", {
        "unit": unit, "object": unit, "year": year, "indicator": indicator, "section": section,
        "label": _label(indicator), "section_label": Section(section).label, "form": form, "parent": parent,
        "total": total, "gap": (total - parent.target) if parent else None, "may_edit": may_edit,
        "breadcrumbs": crumbs(request, unit), "title": _("تقسیم تعهد"),
    })


# The commitment pages' URLs, under /commitments/ (config/urls.py). They were plans' (plans/urls.py); the
# views moved here with the figures they need, and a URL module in plans would have to import them.
urlpatterns = [
    path("<str:code>/", commitments, name="commitments"),
    path("<str:code>/allocate/<str:indicator>/<str:section>/", allocate, name="allocate"),
]
