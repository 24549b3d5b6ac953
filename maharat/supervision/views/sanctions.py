"""Sanction proposals: the list the provincial manager (and HQ) works through, a proposal's page with the
findings behind it, and the two decisions: take it (one click: the board's decision is recorded and served by
licensing) or dismiss it with a reason."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from maharat.access import policy
from maharat.common.tables import Column
from maharat.kit import workflow
from maharat.kit.registers import RegisterListView

from .. import selectors
from ..models import PROPOSABLE, ProposalStatus, SanctionProposal
from ..rules import SANCTION_KIND, VISIT_KIND
from ..services import sanctions as services


class ProposalList(RegisterListView):
    model = SanctionProposal
    url_prefix = "proposal"
    can_create = False  # raised by the daily escalation, never typed in
    columns = [Column("institute__name", cast(str, gettext_lazy("آموزشگاه")), link=True), Column("kind"),
               Column("trigger"), Column("proposed_on"), Column("status")]
    filters = [("status", cast(str, gettext_lazy("وضعیت")), cast(list[tuple[str, str]], ProposalStatus.choices)),
               ("kind", cast(str, gettext_lazy("مجازات")), cast(list[tuple[str, str]], PROPOSABLE))]

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("institute")

    def search(self, qs: QuerySet, query: str) -> QuerySet:
        return qs.filter(Q(institute__name__icontains=query) | Q(institute__code=query.upper()))


def _proposal(user: Any, pk: int) -> SanctionProposal:
    policy.require_may(user, "view", SANCTION_KIND)
    return get_object_or_404(selectors.proposals(user), pk=pk)


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    proposal = _proposal(user, pk)
    pending = proposal.status == ProposalStatus.PENDING
    may = pending and workflow.acting_as(user, "decide", proposal) is not None
    findings = list(proposal.findings.select_related("visit", "followup").order_by("visit__number", "seq"))
    seen = set(selectors.visits(user).filter(pk__in=[f.visit_id for f in findings]).values_list("pk", flat=True)) \
        if policy.may(user, "view", VISIT_KIND) else set()
    return render(request, "supervision/proposal_detail.html", {
        "proposal": proposal, "title": str(proposal), "findings": findings, "seen_visits": seen, "may_decide": may,
        "until": services.effective_until(proposal, proposal.licence, timezone.localdate()) if pending else None,
        "source_label": services.source_label(proposal), "steps": workflow.history(proposal, user)})


@login_required
@require_POST
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request.user, pk)
    if workflow.acting_as(request.user, "decide", proposal) is None:  # the role or the place: a 403, as any page
        raise PermissionDenied(_("شما اجازه تصمیم درباره این پیشنهاد را ندارید."))
    try:
        decision = services.decide(request.user, proposal)
    except (ValidationError, PermissionDenied) as exc:
        # Licensing's own refusals (a revocation is the central board's; a licence already ended) are the
        # manager's to read, on the proposal's page.
        for text in getattr(exc, "messages", [str(exc)]):
            messages.error(request, text)
        return redirect(proposal.get_absolute_url())
    messages.success(request, _("تصمیم «{kind}» با نامه {number} ثبت و ابلاغ شد.").format(
        kind=decision.get_kind_display(), number=decision.number))
    return redirect(decision.get_absolute_url())


@login_required
@require_POST
def proposal_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request.user, pk)
    try:
        services.dismiss(request.user, proposal, request.POST.get("reason", ""))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("پیشنهاد رد شد."))
    return redirect(proposal.get_absolute_url())
