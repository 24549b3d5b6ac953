"""Supervision's records: who may do what, and where each is seen.

- The province's licensing staff (its manager and experts) plan and perform visits, record their findings
  and close their files ("add", "change", "close", "cancel"); the provincial manager also handles complaints
  ("change" on a complaint) and decides sanction proposals ("decide", and licensing's own "decide" on the
  licence, which institutes.services.decide asks: a revocation is the central board's, HQ's planner).
- HQ's planner edits the checklist and the risk formula's weights ("add", "change" on the checklist) and sees
  everything; HQ's viewer sees everything.
- An institute's manager sees its own visits and findings once it may know of them (a visit it was told of,
  or one that took place: an unannounced visit stays hidden until then), and its complaints once answered,
  without who complained. It answers its findings on their follow-up items (followup app).
- Nobody else sees any of it. The public reaches only the complaint form and the tracking page (views/public.py).

Visits and complaints belong to the province that handles them and are seen by the institute through
`disclosed_to` (models/visits.py, models/complaints.py).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from maharat.access import policy
from maharat.access.records import ADD, CHANGE, VIEW, kind, menu, menu_groups, record
from maharat.access.roles import Role
from maharat.attachments.registry import enable
from maharat.kit.inputs import declare

from . import outcomes
from .models import (
    ChecklistItem,
    ChecklistVersion,
    Complaint,
    Finding,
    RiskSettings,
    SanctionProposal,
    Visit,
    VisitStatus,
)
from .rules import CHECKLIST_KIND, COMPLAINT_KIND, SANCTION_KIND, VISIT_KIND

INSPECT = {VIEW, ADD, CHANGE, "close", "cancel"}

kind(VISIT_KIND, _("بازدید نظارتی"), roles={
    Role.HQ_PLANNER: {VIEW}, Role.HQ_VIEWER: {VIEW},
    Role.PROVINCIAL_MANAGER: INSPECT, Role.PROVINCIAL_EXPERT: INSPECT,
    Role.INSTITUTE_MANAGER: {VIEW},
})
kind(CHECKLIST_KIND, _("روش نظارت: چک‌لیست، وزن‌های ریسک و برنامه بازدید"), roles={
    Role.HQ_PLANNER: {VIEW, ADD, CHANGE}, Role.HQ_VIEWER: {VIEW},
    Role.PROVINCIAL_MANAGER: {VIEW}, Role.PROVINCIAL_EXPERT: {VIEW},
})
kind(SANCTION_KIND, _("پیشنهاد مجازات"), roles={
    Role.HQ_PLANNER: {VIEW, "decide"}, Role.HQ_VIEWER: {VIEW},
    Role.PROVINCIAL_MANAGER: {VIEW, "decide"}, Role.PROVINCIAL_EXPERT: {VIEW},
})
kind(COMPLAINT_KIND, _("شکایت از آموزشگاه"), roles={
    Role.HQ_PLANNER: {VIEW}, Role.HQ_VIEWER: {VIEW},
    Role.PROVINCIAL_MANAGER: {VIEW, CHANGE},
    Role.INSTITUTE_MANAGER: {VIEW},
})


def _visit_open(user: Any, visit: Model, action: str) -> bool:
    """A visit's evidence and results change while it is planned or done; a closed or cancelled file stands."""
    assert isinstance(visit, Visit)
    if action == CHANGE:
        return visit.status in (VisitStatus.PLANNED, VisitStatus.DONE)
    return True


record(Visit, kind=VISIT_KIND, unit="province", seen_at=["disclosed_to"], write_check=_visit_open)
record(Finding, kind=VISIT_KIND, unit="visit__province", seen_at=["visit__disclosed_to"])
record(ChecklistVersion, kind=CHECKLIST_KIND, unit=None)
record(ChecklistItem, kind=CHECKLIST_KIND, unit=None)
record(RiskSettings, kind=CHECKLIST_KIND, unit=None)
record(SanctionProposal, kind=SANCTION_KIND, unit="institute")
record(Complaint, kind=COMPLAINT_KIND, unit="province", seen_at=["disclosed_to"])
enable(Visit)  # photos and documents as evidence (the same photo on two visits is flagged: selectors.reused)

# Outcomes are read through one door: graduate tracing will provide employment here without this app changing.
declare(outcomes.INPUT, outcomes.DESCRIPTION, default=outcomes.completion_rates)

# In the free institutes' dropdown (institutes/records.py declares it; INSTALLED_APPS loads licensing first), a
# section of its own (orders 2xx).
GROUP = "institutes" if "institutes" in menu_groups() else "work"
menu(_("بازدیدهای نظارتی"), "visit_list", kind=VISIT_KIND, group=GROUP, order=210)
menu(_("برنامه بازدید و ریسک"), "visit_plan", kind=CHECKLIST_KIND, group=GROUP, order=220,
     visible=lambda user: policy.may(user, VIEW, VISIT_KIND))
menu(_("پیشنهادهای مجازات"), "proposal_list", kind=SANCTION_KIND, group=GROUP, order=230)
menu(_("شکایت‌ها"), "complaint_list", kind=COMPLAINT_KIND, group=GROUP, order=240)
menu(_("چک‌لیست نظارت"), "checklist_list", kind=CHECKLIST_KIND, group=GROUP, order=250)
