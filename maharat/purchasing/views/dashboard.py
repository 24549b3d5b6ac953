"""The dashboard: committed, earned, invoiced, paid and clawed back, per tranche, for everything in the user's
reach; by province for national viewers, by contract inside a province (selectors.figures_by)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.org.models import Unit, UnitKind

from .. import selectors
from ..rules import CONTRACT_KIND


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    policy.require_may(request.user, "view", CONTRACT_KIND)
    user = request.user
    actor = policy.actor_of(user)
    contracts = selectors.visible(user)
    province = None
    asked = (request.GET.get("province") or "")[:32].upper()
    if asked:
        province = get_object_or_404(policy.scope(user, Unit.objects.filter(kind=UnitKind.PROVINCE)), code=asked)
        contracts = contracts.filter(province=province)
    total = selectors.figures(contracts)
    ctx: dict[str, Any] = {"title": _("داشبورد خرید خدمات آموزشی"), "total": total, "province": province,
                           "tranches": selectors.tranche_rows(total), "national": actor.national,
                           "cards": [(_("تعهد"), total.committed), (_("کسب‌شده"), total.total("earned")),
                                     (_("صورت‌حساب‌شده"), total.total("invoiced")), (_("پرداخت‌شده"), total.total("paid")),
                                     (_("بازپس‌گرفته"), total.total("clawed_back"))],
                           "provinces": None}
    if actor.national and province is None:
        by_province = selectors.figures_by(contracts, key="province_id")
        units = {u.pk: u for u in Unit.objects.filter(pk__in=list(by_province))}
        ctx["provinces"] = sorted(((units[pk], row(f)) for pk, f in by_province.items() if pk in units),
                                  key=lambda pair: pair[0].code)
    else:
        by_contract = selectors.figures_by(contracts)
        found = {c.pk: c for c in contracts.filter(pk__in=list(by_contract))}
        ctx["contracts"] = sorted(((found[pk], row(f)) for pk, f in by_contract.items() if pk in found),
                                  key=lambda pair: pair[0].number)
    return render(request, "purchasing/dashboard.html", ctx)


def row(f: selectors.Figures) -> dict[str, int]:
    return {"contracts": f.contracts, "committed": f.committed, "earned": f.total("earned"),
            "invoiced": f.total("invoiced"), "paid": f.total("paid"), "clawed_back": f.total("clawed_back")}
