"""The working-day calendar: the year's months and holidays for everyone; HQ's forms to keep the holidays."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maharat.access import policy
from maharat.access.records import ADD, CHANGE, DELETE, VIEW
from maharat.common import jalali
from maharat.common.params import year_of_request
from maharat.common.persian import localize_digits
from maharat.kit.reports import serve

from . import grid, selectors, services
from .forms import HolidayForm
from .grid import WEEKDAYS, weekday_name
from .models import Holiday
from .reports import HolidayReport

KIND = "holiday"


def _perm(request: HttpRequest) -> dict[str, bool]:
    return {action: policy.may(request.user, action, KIND) for action in (ADD, CHANGE, DELETE)}


def _day(day: dt.date) -> str:
    """A day in a message, in the page's language and digits (۱ فروردین ۱۴۰۶ / 1 Farvardin 1406)."""
    return localize_digits(jalali.format_date(day, long=True, persian_digits=False, localized=True))


def _back(holiday_or_year: Holiday | int) -> HttpResponse:
    year = holiday_or_year if isinstance(holiday_or_year, int) else holiday_or_year.year
    return redirect(f"{reverse('workdays_calendar')}?year={year}#holidays")


@login_required
def calendar(request: HttpRequest) -> HttpResponseBase:
    policy.require_may(request.user, VIEW, KIND)
    today = timezone.localdate()
    year = year_of_request(request)
    report = HolidayReport(year=year)

    def context() -> dict[str, Any]:
        holidays = list(selectors.year_holidays(year))
        by_day = {h.date: h for h in holidays}
        perm = _perm(request)
        return {
            "title": _("تقویم کاری {year}").format(year=localize_digits(year)), "year": year,
            "years": selectors.years_shown(jalali.year_of(today)), "months": grid.year(year, by_day, today),
            "weekdays": WEEKDAYS, "holidays": holidays, "rows": [(h, weekday_name(h.date)) for h in holidays],
            "perm": perm, "today": today, "today_working": selectors.is_working_day(today),
            "next_working": selectors.next_working_day(today),
            "unconfirmed": sum(1 for h in holidays if not h.confirmed),
            "form": HolidayForm(user=request.user, auto_id="new_%s") if perm[ADD] else None,
        }

    return serve(request, report, "workdays/calendar.html", context)


def _saved(request: HttpRequest, form: HolidayForm, holiday: Holiday | None) -> Holiday | None:
    """Save a valid form through the service; its refusals (a day taken meanwhile) go back onto the form."""
    data = form.cleaned_data
    try:
        if holiday is None:
            return services.holiday_create(user=request.user, **data)
        return services.holiday_update(user=request.user, holiday=holiday, **data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@login_required
def holiday_create(request: HttpRequest) -> HttpResponse:
    policy.require_may(request.user, ADD, KIND)
    form = HolidayForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _saved(request, form, None)
        if saved is not None:
            messages.success(request, _("تعطیل {day} ثبت شد.").format(day=_day(saved.date)))
            return _back(saved)
    return _form_page(request, form, None)


@login_required
def holiday_update(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_may(request.user, CHANGE, KIND)
    holiday = get_object_or_404(policy.scope(request.user, Holiday.objects.all(), CHANGE), pk=pk)
    form = HolidayForm(request.POST or None, instance=holiday, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _saved(request, form, holiday)
        if saved is not None:
            messages.success(request, _("تعطیل {day} ذخیره شد.").format(day=_day(saved.date)))
            return _back(saved)
    return _form_page(request, form, holiday)


def _form_page(request: HttpRequest, form: HolidayForm, holiday: Holiday | None) -> HttpResponse:
    title = _("ویرایش تعطیل") if holiday is not None else _("افزودن تعطیل")
    year = holiday.year if holiday is not None else jalali.year_of(timezone.localdate())
    return render(request, "workdays/holiday_form.html", {"form": form, "holiday": holiday, "title": title, "year": year})


@login_required
@require_POST
def holiday_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_may(request.user, CHANGE, KIND)
    holiday = get_object_or_404(policy.scope(request.user, Holiday.objects.all(), CHANGE), pk=pk)
    services.holiday_confirm(user=request.user, holiday=holiday)
    messages.success(request, _("تاریخ {day} قطعی شد.").format(day=_day(holiday.date)))
    return _back(holiday)


@login_required
@require_POST
def holiday_delete(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_may(request.user, DELETE, KIND)
    holiday = get_object_or_404(policy.scope(request.user, Holiday.objects.all(), DELETE), pk=pk)
    year, day = holiday.year, holiday.date
    services.holiday_delete(user=request.user, holiday=holiday)
    messages.success(request, _("تعطیل {day} حذف شد.").format(day=_day(day)))
    return _back(year)
