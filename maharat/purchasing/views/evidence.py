"""A graduate's employment evidence: its page (with its document, the attachments section) and withdrawing it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maharat.access import policy
from maharat.kit.registers import RegisterDetailView

from .. import services
from ..models import ContractRun, EmploymentEvidence
from ..rules import EVIDENCE_KIND


class EvidenceDetail(RegisterDetailView):
    model = EmploymentEvidence
    url_prefix = "purchase_evidence"
    template_name = "purchasing/evidence_detail.html"

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("enrollment__trainee", "enrollment__course_run__unit",
                                                     "entered_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        evidence: EmploymentEvidence = self.object
        link = ContractRun.objects.filter(course_run_id=evidence.enrollment.course_run_id).select_related(
            "contract").first()
        contract = link.contract if link is not None and policy.can(self.request.user, "view", link.contract) else None
        ctx.update({"evidence": evidence, "contract": contract, "can_edit": False,
                    "may_delete": policy.can(self.request.user, "delete", evidence)})
        return ctx


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_may(request.user, "delete", EVIDENCE_KIND)
    evidence = get_object_or_404(policy.scope(request.user, EmploymentEvidence.objects.select_related(
        "enrollment__course_run")), pk=pk)
    link = ContractRun.objects.filter(course_run_id=evidence.enrollment.course_run_id).select_related("contract").first()
    services.delete_evidence(request.user, evidence)
    messages.success(request, _("سابقه اشتغال حذف شد؛ اگر مرحله اشتغال آن پرداخت شده باشد، در صورت‌حساب بعدی "
                                "بازپس گرفته می‌شود."))
    if link is not None:
        return redirect(link.contract.get_absolute_url())
    return redirect("purchase_contract_list")
