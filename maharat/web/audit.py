from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.audit import selectors
from maharat.audit.models import AuditEntry
from maharat.common.tabular import Cell
from maharat.kit.reports import Report, serve
from maharat.org.models import Unit

from .audit_forms import AuditSearchForm


@dataclass
class AuditReport(Report):
    """The entries found, with who acted shown only where the viewer may see it (selectors.reveal_actors)."""

    viewer: selectors.Viewer
    user_pk: int
    entries: QuerySet[AuditEntry]
    model = AuditEntry

    @property
    def title(self) -> str:
        return _("رد پای تغییرات")

    @property
    def filename(self) -> str:
        return "audit"

    def headers(self) -> Sequence[str]:
        return [_("زمان"), _("کاربر"), _("نشانی IP"), _("عمل"), _("نوع رکورد"), _("رکورد"), _("واحد"), _("تغییرات")]

    def rows(self) -> Iterator[Sequence[Cell]]:
        entries = self.entries.select_related("user__account__unit").iterator(chunk_size=2000)
        # reveal_actors returns a list: a batch at a time, so the export holds 2,000 entries, not the trail.
        while batch := list(itertools.islice(entries, 2000)):
            yield from (self._row(e) for e in selectors.reveal_actors(self.viewer, self.user_pk, batch))

    @staticmethod
    def _row(e: Any) -> list[Cell]:  # an AuditEntry with reveal_actors' actor_visible and actor_role
        return [timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                e.username if e.actor_visible else e.actor_role, e.ip_address if e.actor_visible else "",
                e.get_action_display(), e.kind_label, e.object_repr, str(e.unit) if e.unit else "",
                json.dumps(e.changes, ensure_ascii=False)]


@login_required
def audit_list(request: HttpRequest) -> HttpResponseBase:
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

    def page() -> HttpResponse:
        found = Paginator(entries.select_related("user__account__unit"), settings.MAHARAT_PAGE_SIZE)
        listed = found.get_page(request.GET.get("page"))
        listed.object_list = selectors.reveal_actors(viewer, request.user.pk, listed.object_list)
        return render(request, "audit/list.html", {"form": form, "page_obj": listed, "title": _("رد پای تغییرات")})

    return serve(request, AuditReport(viewer, request.user.pk, entries), page)
