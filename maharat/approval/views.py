"""Pages of the approval workflow: a unit's twelve months, the actions on them, and the completeness report."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maharat.access import policy
from maharat.common import jalali
from maharat.common.params import year_of_request
from maharat.common.tabular import Cell
from maharat.kit import workflow
from maharat.kit.reports import Report, serve
from maharat.org.models import Unit
from maharat.org.selectors import visible_ancestors

from . import selectors, services
from .forms import BulkForm, CloseForm, DelegationForm, ExceptionForm, ReturnForm
from .locks import Period
from .models import PeriodReport


def _unit(request: HttpRequest, code: str) -> Unit:
    return get_object_or_404(policy.scope(request.user, Unit.objects.all()), code=code.upper())


def _year(request: HttpRequest, default: int | None = None) -> int:
    return year_of_request(request, default)


def _safe_next(request: HttpRequest) -> str:
    """Where to go after an action: a page of this site only (never ?next=https://elsewhere)."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return "/"


@login_required
def period_list(request: HttpRequest, code: str) -> HttpResponse:
    policy.require_may(request.user, "view", "period")
    unit = _unit(request, code)
    year = _year(request)
    months = selectors.unit_months(unit, year)
    context: dict[str, Any] = {
        "object": unit, "unit": unit, "year": year, "years": range(jalali.today().year - 6, jalali.today().year + 1),
        "months": months, "breadcrumbs": visible_ancestors(request.user, unit),
        "histories": workflow.histories(PeriodReport, [m.report.pk for m in months if m.report], request.user),
        "return_form": ReturnForm(), "exception_form": ExceptionForm(), "title": _("تأیید داده‌ها"),
        "perm": {a: policy.may(request.user, a, "period") for a in ("submit", "approve", "return", "accept", "grant", "close")},
        "close_form": CloseForm(initial={"year": year}),
        # Only a month that is over may be sent (services.check_month_ended).
        "ended": [m for m in range(1, 13) if Period(year, m).last_day() < timezone.localdate()],
    }
    return render(request, "approval/period_list.html", context)


ACTIONS = {
    "submit": services.submit,
    "approve": services.approve,
    "accept": services.accept,
}


@login_required
@require_POST
def period_action(request: HttpRequest, code: str, year: int, month: int, action: str) -> HttpResponse:
    unit = _unit(request, code)
    if not jalali.supported_year(year) or not 1 <= month <= 12:
        raise Http404  # no such period
    try:
        if action == "submit" and request.POST.get("confirm") != "on":
            raise ValidationError(_("برای ارسال، تأیید کنید که داده‌های این ماه کامل و درست است."))
        if action in ACTIONS:
            ACTIONS[action](user=request.user, unit=unit, year=year, month=month)
        elif action == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("دلیل برگشت را بنویسید."))
            services.return_for_correction(user=request.user, unit=unit, year=year, month=month,
                                           reason=form.cleaned_data["reason"])
        elif action == "grant":
            form = ExceptionForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.error_summary())
            services.grant_exception(user=request.user, unit=unit, year=year, month=month,
                                     until=form.until_moment(), reason=form.cleaned_data["reason"])
        else:
            raise PermissionDenied
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("انجام شد."))
    return redirect(f"{reverse('period_list', args=[unit.code])}?year={year}")


@login_required
@require_POST
def period_close(request: HttpRequest) -> HttpResponse:
    form = CloseForm(request.POST)
    if form.is_valid():
        services.close_period(user=request.user, year=form.cleaned_data["year"], month=form.cleaned_data["month"])
        messages.success(request, _("دوره بسته شد."))
    else:
        for line in form.error_summary():
            messages.error(request, line)
    return redirect(_safe_next(request))


@dataclass
class CompletenessReport(Report):
    """Every reporting unit under `root` (within the viewer's scope), month by month."""

    root: Unit
    year: int
    units: QuerySet[Unit]
    model = PeriodReport

    @property
    def title(self) -> str:
        return _("کامل بودن گزارش‌ها")

    @property
    def filename(self) -> str:
        return f"completeness-{self.root.code}-{self.year}"

    def headers(self) -> Sequence[str]:
        return [_("واحد"), _("کد"), *jalali.month_names()]

    def rows(self) -> Iterator[Sequence[Cell]]:
        words = {"on_time": _("به‌موقع"), "late": _("با تأخیر"), "missing": _("ارسال نشده"), "pending": ""}
        # A thousand units at a time: HQ's file covers every reporting unit of the country (24,000).
        pages = Paginator(self.units, 1000)
        for number in pages.page_range:
            every, _totals = selectors.completeness(pages.page(number).object_list, self.year)
            for r in every:
                yield [str(r.unit), r.unit.code, *(words[c] for c in r.cells)]


@login_required
def completeness(request: HttpRequest) -> HttpResponseBase:
    policy.require_may(request.user, "view", "period")
    actor = policy.actor_of(request.user)
    code = request.GET.get("unit") or (actor.unit.code if actor.unit else "")
    if not code:
        raise Http404
    root = _unit(request, code)
    year = _year(request)
    units = selectors.reporting_units(request.user, root)

    def context() -> dict[str, Any]:
        page = Paginator(units, 50).get_page(request.GET.get("page"))
        rows, _page_totals = selectors.completeness(page.object_list, year)
        totals = selectors.completeness_totals(units, year)  # the whole subtree, counted in the database
        return {
            "unit": root, "object": root, "year": year, "rows": rows, "totals": totals, "page_obj": page,
            "months": jalali.month_names(), "breadcrumbs": visible_ancestors(request.user, root), "title": _("کامل بودن و به‌موقع بودن گزارش‌ها"),
            "years": range(jalali.today().year - 6, jalali.today().year + 1),
        }

    return serve(request, CompletenessReport(root, year, units), "approval/completeness.html", context)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """What waits for me: the months of my units (and of colleagues I stand in for) sent for my decision."""
    policy.require_may(request.user, "view", "period")
    rows = selectors.inbox(request.user)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "approval/inbox.html", {
        "title": _("کارتابل تأیید"), "rows": rows, "page_obj": page, "limit": selectors.INBOX_LIMIT,
        "form": BulkForm(), "delegated": [w for w in rows if w.for_whom != request.user],
    })


@login_required
@require_POST
def inbox_bulk(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("report") if v.isdigit() and len(v) <= 18]
    form = BulkForm(request.POST)
    action = request.POST.get("action", "")
    try:
        if not form.is_valid():
            raise ValidationError(form.error_summary())
        done = services.bulk(user=request.user, ids=ids, action=action, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, _("هیچ گزارشی تصمیم‌گیری نشد:"))
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("{n} گزارش انجام شد؛ به واحدها خبر داده شد.").format(n=len(done)))
    return redirect("period_inbox")


@login_required
def delegations(request: HttpRequest) -> HttpResponse:
    from maharat.access.delegation import Delegation, delegate

    from .records import decides

    if not decides(request.user):  # only who approves or accepts months has something to hand over
        raise PermissionDenied
    form = DelegationForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                delegate(user=request.user, to=form.cleaned_data["delegate"], starts=form.cleaned_data["starts"],
                         ends=form.cleaned_data["ends"], reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("تفویض ثبت شد."))
                return redirect("period_delegations")
    return render(request, "approval/delegations.html", {
        "title": _("تفویض اختیار تأیید"), "form": form,
        "given": Delegation.objects.filter(delegator_id=request.user.pk).select_related("delegate")[:50],
        "received": Delegation.objects.filter(delegate_id=request.user.pk).select_related("delegator")[:50],
        "today": timezone.localdate(),
    })


@login_required
@require_POST
def delegation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    from maharat.access.delegation import Delegation, revoke

    row = get_object_or_404(Delegation, pk=pk, delegator=request.user)
    revoke(user=request.user, delegation=row)
    messages.success(request, _("تفویض لغو شد."))
    return redirect("period_delegations")
