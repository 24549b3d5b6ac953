from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.audit import selectors
from maharat.org.models import Unit

from .audit_forms import AuditSearchForm


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
    viewer = policy.actor_of(request.user)
    entries = selectors.search(viewer, **filters)  # type: ignore[arg-type]
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        from maharat.common.tabular import Table, response

        return response(Table(
            title=_("رد پای تغییرات"),
            headers=[_("زمان"), _("کاربر"), _("نشانی IP"), _("عمل"), _("نوع رکورد"), _("رکورد"), _("واحد"), _("تغییرات")],
            rows=([timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                   e.username if e.actor_visible else e.actor_role, e.ip_address if e.actor_visible else "",
                   e.get_action_display(), e.kind_label, e.object_repr, e.unit.name if e.unit else "",
                   json.dumps(e.changes, ensure_ascii=False)]
                  for e in selectors.reveal_actors(viewer, request.user.pk, entries.select_related("user__account__unit")
                                                   .iterator(chunk_size=2000))),
            filename="audit"), fmt)
    page = Paginator(entries.select_related("user__account__unit"), settings.MAHARAT_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.reveal_actors(viewer, request.user.pk, page.object_list)
    return render(request, "audit/list.html", {"form": form, "page_obj": page, "title": _("رد پای تغییرات")})
