"""Purchase contracts, their runs, invoices and lines, and employment evidence: who may do what, and where.

Every record sits at the contracted institute (its unit path leads there), so it is seen by the institute
itself, by its province and by HQ, and by nobody else. What each side does:

- the province's expert drafts contracts, lists their course runs, issues the invoices the records have
  earned and enters graduates' employment evidence;
- the provincial manager and HQ's planner also sign, close and cancel contracts, and approve, void and pay
  invoices (never an invoice they issued themselves: services.approve_invoice);
- the institute's manager sees its own contracts and invoices (its unit's subtree), and nothing else: not
  the employment evidence, which names employers;
- HQ's viewer sees everything; other roles nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from maharat.access.records import ADD, CHANGE, CRUD, VIEW, kind, menu, menu_groups, record
from maharat.access.roles import Role
from maharat.attachments.registry import enable
from maharat.kit.inputs import declare
from maharat.kit.sections import section
from maharat.training.models import CourseRun

from .evidence import employed_by_enrollment
from .models import Contract, ContractRun, EmploymentEvidence, Invoice, InvoiceLine
from .rules import CONTRACT_KIND, EVIDENCE_KIND

DRAFT = {VIEW, ADD, CHANGE, "issue"}
DECIDE = DRAFT | {"sign", "close", "cancel", "approve", "pay"}

kind(CONTRACT_KIND, _("خرید خدمات آموزشی"), roles={
    Role.HQ_PLANNER: DECIDE, Role.PROVINCIAL_MANAGER: DECIDE, Role.PROVINCIAL_EXPERT: DRAFT,
    Role.INSTITUTE_MANAGER: {VIEW}, Role.HQ_VIEWER: {VIEW},
})
kind(EVIDENCE_KIND, _("سابقه اشتغال دانش‌آموختگان"), roles={
    Role.HQ_PLANNER: CRUD, Role.PROVINCIAL_MANAGER: CRUD, Role.PROVINCIAL_EXPERT: CRUD, Role.HQ_VIEWER: {VIEW},
})

record(Contract, kind=CONTRACT_KIND, unit="institute")
record(ContractRun, kind=CONTRACT_KIND, unit="contract__institute")
record(Invoice, kind=CONTRACT_KIND, unit="contract__institute")
record(InvoiceLine, kind=CONTRACT_KIND, unit="invoice__contract__institute")
record(EmploymentEvidence, kind=EVIDENCE_KIND, unit="enrollment__course_run__unit")
enable(EmploymentEvidence)

# The one door through which contracts read employment: graduate tracing will provide("employment", ...).
declare("employment", "Employed three months after completing the course run: {enrollment id: what shows it}",
        default=employed_by_enrollment)



def _run_contract(user: Any, run: CourseRun) -> dict[str, Any]:
    """A course run's page names the contract that buys it, to whoever may see that contract."""
    from maharat.access import policy

    link = ContractRun.objects.filter(course_run=run).select_related("contract").first()
    if link is None or not policy.may(user, VIEW, CONTRACT_KIND) or not policy.can(user, VIEW, link.contract):
        return {"count": 0}
    return {"count": 1, "contract": link.contract}


section(CourseRun, template="purchasing/partials/run_contract.html", context=_run_contract)  # type: ignore[arg-type]

# The free institutes' dropdown (institutes/records.py declares it, and is discovered before this app); until it
# exists, the work dropdown.
GROUP = "institutes" if "institutes" in menu_groups() else "work"
menu(_("قراردادهای خرید خدمات"), "purchase_contract_list", kind=CONTRACT_KIND, group=GROUP, order=310)
menu(_("داشبورد خرید خدمات"), "purchase_dashboard", kind=CONTRACT_KIND, group=GROUP, order=320)
