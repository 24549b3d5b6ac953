"""Pages of fees: HQ's tables (maximum tuition by year, cluster and level; the state tariff), and the forms a
course run's page posts (its fee, an early closure, a refund paid)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maharat.access import policy
from maharat.common import jalali
from maharat.training.models import CourseRun

from . import rules, services
from .forms import CapForm, ClosureForm, FeeForm, RefundForm, TariffForm
from .models import Refund, Tariff, TuitionCap


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


@login_required
def caps(request: HttpRequest) -> HttpResponse:
    policy.require_may(request.user, "view", "tuition")
    current = jalali.year_of(jalali.today().togregorian())
    try:
        year = int(request.GET.get("year") or current + 1)
    except ValueError:
        year = current + 1
    may_edit = policy.may(request.user, "add", "tuition")
    cap_form, tariff_form = CapForm(initial={"year": year}), TariffForm(initial={"year": year})
    if request.method == "POST" and may_edit:
        which = request.POST.get("table")
        form: Any = CapForm(request.POST) if which == "cap" else TariffForm(request.POST)
        if form.is_valid():
            try:
                if which == "cap":
                    services.set_cap(request.user, **form.cleaned_data)
                else:
                    services.set_tariff(request.user, **form.cleaned_data)
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("ثبت شد."))
                return redirect(f"{request.path}?year={form.cleaned_data['year']}")
        else:
            for line in form.error_summary():
                messages.error(request, line)
    rows = TuitionCap.objects.filter(year=year).order_by("cluster", "level")
    due = rules.cap_due(year) if jalali.supported_year(year - 1) else None
    return render(request, "fees/caps.html", {
        "title": _("سقف شهریه آموزشگاه‌ها و تعرفه آموزشی"), "year": year, "rows": rows, "due": due,
        "late": [r for r in rows if due and r.entered_at.date() > due], "tariff": Tariff.objects.filter(year=year).first(),
        "cap_form": cap_form if may_edit else None, "tariff_form": tariff_form if may_edit else None,
        "years": sorted({*TuitionCap.objects.values_list("year", flat=True), current, current + 1}, reverse=True)})


def _run(request: HttpRequest, pk: int) -> CourseRun:
    policy.require_may(request.user, "view", "courserun")
    return get_object_or_404(policy.scope(request.user, CourseRun.objects.select_related("unit", "standard")), pk=pk)


@login_required
@require_POST
def run_fee(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    form = FeeForm(request.POST)
    if form.is_valid():
        try:
            services.set_fee(request.user, run, form.cleaned_data["per_trainee"])
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("شهریه دوره ثبت شد."))
    else:
        for line in form.error_summary():
            messages.error(request, line)
    return redirect(run.get_absolute_url())


@login_required
@require_POST
def run_close(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    form = ClosureForm(request.POST)
    if form.is_valid():
        try:
            closure = services.close_early(request.user, run, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("تعطیلی دوره ثبت شد؛ بازپرداخت {n} کارآموز باید ثبت شود.").format(
                n=closure.refunds.count()))
    else:
        for line in form.error_summary():
            messages.error(request, line)
    return redirect(run.get_absolute_url())


@login_required
@require_POST
def refund_pay(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_may(request.user, "view", "courserun")
    refund = get_object_or_404(policy.scope(request.user, Refund.objects.select_related("closure__course_run")), pk=pk)
    form = RefundForm(request.POST)
    if form.is_valid():
        try:
            services.pay_refund(request.user, refund, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("بازپرداخت ثبت شد."))
    else:
        for line in form.error_summary():
            messages.error(request, line)
    return redirect(refund.closure.course_run.get_absolute_url())
