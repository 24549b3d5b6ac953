"""The overdue list (instalments past due, days late, what is unpaid; exported like every register) and the
figures page (committed, disbursed, repaid, outstanding, overdue, written off: in the user's reach, by
programme and by province)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maharat.access import policy
from maharat.common.persian import normalize_digits
from maharat.common.tables import Column
from maharat.kit.registers import RegisterListView
from maharat.org.models import Unit, UnitKind

from .. import eligibility, selectors
from ..models import OWING, Instalment, LoanProgramme
from ..rules import LOAN_KIND

# How late, in days: (param, label, lowest, highest or None).
BANDS = {"1": (1, 29), "30": (30, 89), "90": (90, None)}
BAND_CHOICES = [("1", cast(str, gettext_lazy("۱ تا ۲۹ روز"))), ("30", cast(str, gettext_lazy("۳۰ تا ۸۹ روز"))),
                ("90", cast(str, gettext_lazy("۹۰ روز و بیشتر")))]


class OverdueList(RegisterListView):
    model = Instalment
    url_prefix = "loan_overdue"
    template_name = "loans/overdue.html"
    can_create = False
    columns = [Column("loan__number", cast(str, gettext_lazy("شماره تسهیلات")), link=True),
               Column("loan__institute", cast(str, gettext_lazy("آموزشگاه"))),
               Column("loan__province", cast(str, gettext_lazy("استان"))), Column("number"), Column("due_date"),
               Column("days_late", cast(str, gettext_lazy("روز تأخیر"))), Column("amount"), Column("paid"),
               Column("remaining", cast(str, gettext_lazy("مانده (ریال)")))]

    @property
    def filters(self) -> list[tuple[str, str, list[tuple[str, str]]]]:  # type: ignore[override]
        provinces = policy.scope(self.request.user, Unit.objects.filter(kind=UnitKind.PROVINCE)).order_by("code")
        return [("late", cast(str, gettext_lazy("تأخیر")), BAND_CHOICES),
                ("province", cast(str, gettext_lazy("استان")), [(p.code, str(p)) for p in provinces])]

    def apply_filters(self, qs: QuerySet) -> QuerySet:
        today = timezone.localdate()
        qs = qs.filter(loan__status__in=OWING, paid__lt=F("amount"), due_date__lt=today)
        band = BANDS.get(self.request.GET.get("late", ""))
        if band is not None:
            low, high = band
            qs = qs.filter(due_date__lte=today - dt.timedelta(days=low))
            if high is not None:
                qs = qs.filter(due_date__gte=today - dt.timedelta(days=high))
        province = (self.request.GET.get("province") or "")[:32]
        if province:
            qs = qs.filter(loan__province__code=province.upper())
        return qs.select_related("loan__institute", "loan__province").order_by("due_date", "loan__number", "number")

    def search(self, qs: QuerySet, query: str) -> QuerySet:
        query = query[:100]
        return qs.filter(Q(loan__number__icontains=query) | Q(loan__institute__name__icontains=query)
                         | Q(loan__institute__code=query.upper()))

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:  # type: ignore[attr-defined]
            return ["common/partials/table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("اقساط معوق تسهیلات")
        ctx["total"] = selectors.figures(selectors.visible(self.request.user)).overdue
        return ctx


def _programme_rows(user: Any, loans: QuerySet) -> list[tuple[LoanProgramme, selectors.Figures, int]]:
    by = selectors.figures_by(loans, "programme_id")
    shown = {p.pk: p for p in selectors.programmes(user).filter(pk__in=[k for k in by if k is not None])}
    return [(shown[pk], f, eligibility.remaining_budget(shown[pk])) for pk, f in
            sorted(by.items(), key=lambda kv: (-shown[kv[0]].year, shown[kv[0]].title)) if pk in shown]


@login_required
def totals(request: HttpRequest) -> HttpResponse:
    policy.require_may(request.user, "view", LOAN_KIND)
    user = request.user
    loans = selectors.visible(user)
    programme = None
    asked = normalize_digits(request.GET.get("programme") or "")[:12]
    if asked.isdigit():
        programme = get_object_or_404(selectors.programmes(user), pk=int(asked))
        loans = loans.filter(programme=programme)
    province = None
    code = (request.GET.get("province") or "")[:32].upper()
    if code:
        province = get_object_or_404(policy.scope(user, Unit.objects.filter(kind=UnitKind.PROVINCE)), code=code)
        loans = loans.filter(province=province)
    total = selectors.figures(loans)
    by_province = selectors.figures_by(loans, "province_id")
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[k for k in by_province if k is not None])}
    return render(request, "loans/totals.html", {
        "title": _("آمار تسهیلات آموزشگاه‌ها"), "total": total, "programme": programme, "province": province,
        "cards": [(_("تعهد (تصویب‌شده)"), total.committed), (_("پرداخت‌شده"), total.disbursed),
                  (_("بازپرداخت‌شده"), total.repaid), (_("مانده بدهی"), total.outstanding),
                  (_("معوق"), total.overdue), (_("سوخت‌شده"), total.written_off)],
        "programmes": _programme_rows(user, loans),
        "provinces": sorted(((units[pk], f) for pk, f in by_province.items() if pk in units), key=lambda r: r[0].code),
        "national": policy.actor_of(user).national,
    })
