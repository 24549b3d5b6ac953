"""The province's complaint desk: the list (overdue ones marked), a complaint's page with the steps the user may
take, and the steps themselves. The institute sees its answered complaints here too, without who complained."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from maharat.access import policy
from maharat.audit.services import log_read
from maharat.common.tables import Column
from maharat.kit import workflow
from maharat.kit.registers import RegisterListView

from .. import selectors
from ..models import Category, Complaint, ComplaintStatus
from ..rules import COMPLAINT_KIND
from ..services import complaints as services

OVERDUE = [("yes", cast(str, gettext_lazy("مهلت گذشته")))]


class ComplaintList(RegisterListView):
    model = Complaint
    url_prefix = "complaint"
    can_create = False  # complaints come from the public form
    columns = [Column("pk", cast(str, gettext_lazy("ردیف")), link=True),
               Column("institute__name", cast(str, gettext_lazy("آموزشگاه"))), Column("category"),
               Column("received_on"), Column("due"), Column("status")]
    filters = [("status", cast(str, gettext_lazy("وضعیت")), cast(list[tuple[str, str]], ComplaintStatus.choices)),
               ("category", cast(str, gettext_lazy("موضوع")), cast(list[tuple[str, str]], Category.choices)),
               ("overdue", cast(str, gettext_lazy("مهلت")), OVERDUE)]

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("institute")

    def apply_filters(self, qs: QuerySet) -> QuerySet:
        get = self.request.GET.get
        if get("status") in ComplaintStatus.values:
            qs = qs.filter(status=get("status"))
        if get("category") in Category.values:
            qs = qs.filter(category=get("category"))
        if get("overdue") == "yes":
            qs = qs.filter(status__in=[ComplaintStatus.RECEIVED, ComplaintStatus.IN_PROGRESS],
                           due__lt=timezone.localdate())
        return qs

    def search(self, qs: QuerySet, query: str) -> QuerySet:
        where = Q(institute__name__icontains=query) | Q(institute__code=query.upper())
        if selectors.sees_complainant(self.request.user):  # the code is the complainant's key: the desk's only
            where |= Q(tracking_code=query.upper())
        return qs.filter(where)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["sees_complainant"] = selectors.sees_complainant(self.request.user)
        return ctx


def _complaint(user: Any, pk: int) -> Complaint:
    policy.require_may(user, "view", COMPLAINT_KIND)
    return get_object_or_404(selectors.complaints(user), pk=pk)


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    complaint = _complaint(user, pk)
    personal = selectors.sees_complainant(user)
    if personal:
        log_read(user=user, instance=complaint, unit=complaint.province)
    return render(request, "supervision/complaint_detail.html", {
        "complaint": complaint, "title": _("شکایت از {unit}").format(unit=complaint.institute), "personal": personal,
        "actions": workflow.available(complaint, user), "steps": workflow.history(complaint, user)})


DONE = {"start": gettext_lazy("رسیدگی به شکایت آغاز شد."), "respond": gettext_lazy("پاسخ شکایت ثبت شد."),
        "reject": gettext_lazy("شکایت بی‌اساس تشخیص داده شد.")}


@login_required
@require_POST
def complaint_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in services.STEPS:
        raise Http404
    complaint = _complaint(request.user, pk)
    try:
        services.step(request.user, complaint, action, request.POST.get("text", ""))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, str(DONE[action]))
    return redirect(complaint.get_absolute_url())
