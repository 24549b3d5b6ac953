from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from maharat.access import policy
from maharat.common.tables import Column
from maharat.kit.registers import RegisterCreateView, RegisterDetailView, RegisterListView, RegisterUpdateView

from . import selectors
from .forms import TraineeForm, TrainerForm
from .models import Nationality, Residence, Sex, Trainee, Trainer


class TraineeMixin:
    model = Trainee
    url_prefix = "trainee"


class TraineeListView(TraineeMixin, RegisterListView):
    columns = [Column("national_code", link=True), Column("full_name", _("نام و نام خانوادگی"), link=True), Column("sex"),
               Column("birth_date"), Column("residence"), Column("income_decile"), Column("registered_unit__name", _("واحد ثبت‌کننده"))]
    filters = [("sex", _("جنسیت"), list(Sex.choices)), ("residence", _("محل سکونت"), list(Residence.choices)),
               ("nationality", _("تابعیت"), list(Nationality.choices))]

    def search(self, qs: QuerySet, query: str) -> QuerySet:
        return selectors.person_search(qs, query)

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("registered_unit")


class TraineeDetailView(TraineeMixin, RegisterDetailView):
    template_name = "people/trainee_detail.html"
    fields = ["national_code", "first_name", "last_name", "father_name", "sex", "birth_date", "residence", "nationality",
              "has_disability", "income_decile", "decile_assessed_on", "mobile", Column("registered_unit__name", _("واحد ثبت‌کننده"))]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["target_groups"] = self.object.target_groups.all()
        return ctx


class TraineeCreateView(TraineeMixin, RegisterCreateView):
    form_class = TraineeForm


class TraineeUpdateView(TraineeMixin, RegisterUpdateView):
    form_class = TraineeForm


class TrainerMixin:
    model = Trainer
    url_prefix = "trainer"


class TrainerListView(TrainerMixin, RegisterListView):
    columns = [Column("national_code", link=True), Column("full_name", _("نام و نام خانوادگی"), link=True),
               Column("employment"), Column("home_unit__name", _("واحد محل خدمت")), Column("is_active")]
    filters = [("employment", _("نوع استخدام"), list(Trainer.Employment.choices))]

    def search(self, qs: QuerySet, query: str) -> QuerySet:
        return selectors.person_search(qs, query)

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("home_unit")


class TrainerDetailView(TrainerMixin, RegisterDetailView):
    fields = ["national_code", "first_name", "last_name", "sex", "employment", Column("home_unit__name", _("واحد محل خدمت")), "qualifications",
              "mobile", "is_active"]


class TrainerCreateView(TrainerMixin, RegisterCreateView):
    form_class = TrainerForm


class TrainerUpdateView(TrainerMixin, RegisterUpdateView):
    form_class = TrainerForm


@login_required
@require_POST
def trainee_sms(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop or resume SMS to a trainee at their request, from their page (notify keeps the opt-out)."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError

    from .sms import set_opt_out

    trainee = get_object_or_404(policy.scope(request.user, Trainee.objects.all()), pk=pk)
    try:
        set_opt_out(user=request.user, trainee=trainee, stop=request.POST.get("stop") == "1")
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("انجام شد."))
    return redirect("trainee_detail", trainee.pk)
