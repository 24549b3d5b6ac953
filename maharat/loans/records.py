"""Loans and loan programmes: who may do what, and where.

A loan sits at its institute (its unit path leads there), so it is seen by the institute itself, by its
province and by HQ, and by nobody else. What each side does:

- HQ's planner sets the programmes (budget, rate, ceilings, the provincial approval threshold); decides on
  every request above a programme's threshold, and may decide any below it (the national back office);
  declares a loan in default and writes a defaulted loan off;
- the provincial manager decides (approves, reducing the amount if need be, or rejects) the requests of the
  province's institutes up to the programme's threshold, and no larger;
- the provincial expert prepares applications for the province's institutes, adds their documents, records
  the disbursement and the repayments;
- an institute's manager applies for its own institute, adds the documents of its own open application, and
  sees its own loans and schedules; nothing of other institutes;
- HQ's viewer sees everything; other roles nothing. Programmes (their terms are public to those who apply
  and decide) are seen by all of these and set by HQ's planner alone.

Money moves only through the province's expert (disbursement, repayments) and is decided only by a manager
or HQ: nobody both decides a loan and records its money.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from maharat.access import policy
from maharat.access.records import ADD, CHANGE, VIEW, kind, menu, menu_groups, record
from maharat.access.roles import Role
from maharat.attachments.registry import enable

from .models import Allocation, Instalment, Loan, LoanProgramme, LoanStatus, Repayment
from .rules import LOAN_KIND, PROGRAMME_KIND

kind(LOAN_KIND, _("تسهیلات آموزشگاه‌ها"), roles={
    Role.HQ_PLANNER: {VIEW, "decide", "default", "write_off"},
    Role.HQ_VIEWER: {VIEW},
    Role.PROVINCIAL_MANAGER: {VIEW, "decide"},
    Role.PROVINCIAL_EXPERT: {VIEW, ADD, CHANGE, "disburse", "collect"},
    Role.INSTITUTE_MANAGER: {VIEW, ADD, CHANGE},
})
kind(PROGRAMME_KIND, _("برنامه‌های تسهیلات"), roles={
    Role.HQ_PLANNER: {VIEW, ADD, CHANGE},
    Role.HQ_VIEWER: {VIEW}, Role.PROVINCIAL_MANAGER: {VIEW}, Role.PROVINCIAL_EXPERT: {VIEW},
    Role.INSTITUTE_MANAGER: {VIEW},
})

# A loan's documents are those of its application and of its disbursement: added while it waits for them.
DOCUMENTS_OPEN = (LoanStatus.SUBMITTED, LoanStatus.APPROVED)


def _loan_of(obj: Model) -> Loan:
    if isinstance(obj, Loan):
        return obj
    if isinstance(obj, Allocation):
        return obj.repayment.loan
    return obj.loan  # type: ignore[attr-defined]


def loan_rule(user: Any, obj: Model, action: str) -> bool:
    """The one rule beyond the role and the subtree (for accounts below HQ; HQ's are national):

    - a provincial manager decides only requests up to the programme's threshold;
    - a loan's documents change only while it is submitted or approved;
    - its schedule and repayments are written only by who records its money ("collect"): an institute's
      "add" on loans is its application, never a repayment of its own."""
    loan = _loan_of(obj)
    if action == "decide":
        return bool(loan.requested_amount <= loan.programme.hq_threshold)
    if not isinstance(obj, Loan):
        return action == VIEW or policy.may(user, "collect", LOAN_KIND)
    if action == CHANGE:
        return loan.status in DOCUMENTS_OPEN
    return True


record(LoanProgramme, kind=PROGRAMME_KIND, unit=None)
record(Loan, kind=LOAN_KIND, unit="institute", write_check=loan_rule)
record(Instalment, kind=LOAN_KIND, unit="loan__institute", write_check=loan_rule)
record(Repayment, kind=LOAN_KIND, unit="loan__institute", write_check=loan_rule)
record(Allocation, kind=LOAN_KIND, unit="repayment__loan__institute", write_check=loan_rule)
enable(Loan)  # the application's documents (business plan, quotes, deed or lease) and the bank's contract

# The free institutes' dropdown (institutes/records.py declares it, and is discovered before this app); until it
# exists, the work dropdown.
GROUP = "institutes" if "institutes" in menu_groups() else "work"
menu(_("تسهیلات آموزشگاه‌ها"), "loan_list", kind=LOAN_KIND, group=GROUP, order=410)
menu(_("اقساط معوق تسهیلات"), "loan_overdue_list", kind=LOAN_KIND, group=GROUP, order=420)
menu(_("آمار تسهیلات"), "loan_totals", kind=LOAN_KIND, group=GROUP, order=430)
menu(_("برنامه‌های تسهیلات"), "loan_programme_list", kind=PROGRAMME_KIND, group=GROUP, order=440)
