"""Programmes: the list, a programme's page with its figures, and HQ's form that sets or changes one."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maharat.access import policy
from maharat.common.forms import add_errors
from maharat.common.tables import Column
from maharat.kit.registers import RegisterDetailView, RegisterListView

from .. import eligibility, programmes, selectors
from ..forms import ProgrammeForm
from ..models import LoanProgramme
from ..rules import PROGRAMME_KIND

OPEN_CHOICES = [("yes", cast(str, gettext_lazy("در حال پذیرش"))), ("no", cast(str, gettext_lazy("بسته")))]


class ProgrammeList(RegisterListView):
    model = LoanProgramme
    url_prefix = "loan_programme"
    columns = [Column("title", link=True), Column("year"), Column("budget"), Column("interest_rate"),
               Column("max_amount"), Column("max_term_months"), Column("grace_months"), Column("hq_threshold"),
               Column("is_open")]
    filters = [("open", cast(str, gettext_lazy("پذیرش")), OPEN_CHOICES)]

    def apply_filters(self, qs: QuerySet) -> QuerySet:
        asked = self.request.GET.get("open")
        if asked in ("yes", "no"):
            qs = qs.filter(is_open=asked == "yes")
        return qs

    def search(self, qs: QuerySet, query: str) -> QuerySet:
        query = query[:100]
        return qs.filter(Q(title__icontains=query) | Q(year=query) if query.isdigit() else Q(title__icontains=query))


class ProgrammeDetail(RegisterDetailView):
    model = LoanProgramme
    url_prefix = "loan_programme"
    template_name = "loans/programme_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        programme: LoanProgramme = self.object
        user = self.request.user
        mine = selectors.visible(user).filter(programme=programme)
        ctx.update({"programme": programme, "figures": selectors.figures(mine),
                    # The budget is the programme's, whoever looks: what is left of it, over every loan.
                    "committed_all": eligibility.committed_elsewhere(programme),
                    "remaining": eligibility.remaining_budget(programme),
                    "loans": mine.order_by("-received_on", "-pk")[:50],
                    "may_apply": programme.is_open and policy.may(user, "add", "loan")})
        return ctx


def _form_page(request: HttpRequest, form: ProgrammeForm, programme: LoanProgramme | None) -> HttpResponse:
    title = _("ویرایش {p}").format(p=programme) if programme else _("برنامه تسهیلات جدید")
    return render(request, "loans/programme_form.html", {"form": form, "title": title, "programme": programme})


@login_required
def programme_create(request: HttpRequest) -> HttpResponse:
    policy.require_may(request.user, "add", PROGRAMME_KIND)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = programmes.create(request.user, **form.terms())
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("برنامه «{p}» ثبت شد.").format(p=made))
            return redirect(made.get_absolute_url())
    return _form_page(request, form, None)


@login_required
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_may(request.user, "change", PROGRAMME_KIND)
    programme = get_object_or_404(selectors.programmes(request.user), pk=pk)
    form = ProgrammeForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            programmes.update(request.user, programme, **form.terms())
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("برنامه «{p}» ذخیره شد.").format(p=programme))
            return redirect(programme.get_absolute_url())
    return _form_page(request, form, programme)
