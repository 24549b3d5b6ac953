from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.org.models import Unit

from . import selectors
from .forms import AuditSearchForm


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    policy.require_may(request.user, "view", "audit")
    form = AuditSearchForm(request.GET or None)
    filters: dict[str, object] = {}
    if form.is_valid():
        data = form.cleaned_data
        unit_path = ""
        if data["unit"]:
            unit = Unit.objects.filter(code=data["unit"].upper()).first()
            unit_path = unit.path if unit else "//no-such-unit//"
        filters = {"username": data["username"], "unit_path": unit_path, "since": data["since"],
                   "until": data["until"], "content_type": data["kind"].pk if data["kind"] else None,
                   "action": data["action"]}
    entries = selectors.search(request.user, **filters)  # type: ignore[arg-type]
    page = Paginator(entries, settings.MAHARAT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"form": form, "page_obj": page, "title": _("رد پای تغییرات")})
