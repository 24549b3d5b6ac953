"""The daily escalation: a corrective action that goes unmet moves towards the graduated sanctions.

A finding's follow-up item is unmet when it is open past its deadline, or when the institute's answer was
rejected twice (the item counts its answers, `submissions`: an open item with two answers has been sent back
twice; a submitted one with three waits on its third). For such a finding, supervision proposes the next step
of the ladder (rules.next_sanction) after the gravest sanction the institute received in the last twelve
months, as a record the provincial manager decides on (services/sanctions.py). One proposal waits per
institute: further unmet findings join it. A finding is proposed once: a dismissed proposal is not raised
again the next morning. The proposal decides nothing: the board does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maharat.audit.models import AuditAction
from maharat.audit.services import log, snapshot
from maharat.common import jalali
from maharat.followup.models import FollowUpStatus
from maharat.institutes import selectors as licensing
from maharat.institutes.models import SANCTIONS, Licence

from . import notices, rules
from .models import HELD, Finding, ProposalStatus, SanctionProposal, Trigger


def unmet(today: dt.date) -> Q:
    open_ = Q(followup__status=FollowUpStatus.OPEN)
    return ((open_ & Q(followup__due__lt=today)) | (open_ & Q(followup__submissions__gte=2))
            | Q(followup__status=FollowUpStatus.SUBMITTED, followup__submissions__gte=3))


def due_for_escalation(today: dt.date) -> QuerySet[Finding]:
    return (Finding.objects.filter(unmet(today), visit__status__in=HELD, proposals__isnull=True)
            .select_related("visit__institute", "followup").order_by("visit__institute_id", "visit__number", "seq"))


def trigger_of(finding: Finding, today: dt.date) -> str:
    item = finding.followup
    assert item is not None
    return Trigger.OVERDUE if item.status == FollowUpStatus.OPEN and item.due < today else Trigger.REJECTED


def sanctions_taken(unit_id: int, today: dt.date) -> list[Any]:
    """The institute's sanctions in force decided in the last twelve months (on any of its licences)."""
    since = today - rules.SANCTION_LOOKBACK
    taken = [d for lic in licensing.licences_of(unit_id) for d in licensing.in_force(lic, SANCTIONS)
             if since <= d.decided_on <= today]
    return sorted(taken, key=lambda d: (d.decided_on, d.pk))


def _line(finding: Finding, today: dt.date) -> str:
    assert finding.followup is not None
    why = (_("مهلت آن {due} گذشت") if trigger_of(finding, today) == Trigger.OVERDUE
           else _("گزارش انجام آن دو بار رد شد")).format(due=jalali.format_date(finding.followup.due))
    return _("اقدام اصلاحی «{title}» ({label}، {article}): {why}.").format(
        title=finding.title, label=finding.label, article=finding.article or "—", why=why)


def _texts(proposal: SanctionProposal, findings: list[Finding], today: dt.date) -> None:
    proposal.reason = "\n".join(_line(f, today) for f in findings)[: rules.NOTE_MAX]
    proposal.conditions = (_("انجام اقدام‌های اصلاحی زیر و اعلام آن در سامانه:") + "\n"
                           + "\n".join(f"- {f.action_plan}" for f in findings))[: rules.NOTE_MAX]


@dataclass(frozen=True)
class Escalated:
    created: int  # proposals raised this run
    joined: int  # findings added to a proposal already waiting


def run(today: dt.date | None = None) -> Escalated:
    today = today or timezone.localdate()
    created = joined = 0
    with translation.override("fa"):  # stored text, read by the board: the platform's language
        for finding in list(due_for_escalation(today)):
            licence = licensing.licence_of(finding.visit.institute_id)
            if licence is None or licence.status in licensing.ENDED:
                continue  # nothing left to sanction
            made = _escalate(finding, licence, today)
            created += made
            joined += not made
    return Escalated(created, joined)


@transaction.atomic
def _escalate(finding: Finding, licence: Licence, today: dt.date) -> bool:
    """Add the finding to its institute's waiting proposal, or raise one; True when raised."""
    unit = finding.visit.institute
    waiting = (SanctionProposal.objects.select_for_update()
               .filter(institute=unit, status=ProposalStatus.PENDING).first())
    if waiting is not None:
        old = snapshot(waiting)
        waiting.findings.add(finding)
        _texts(waiting, list(waiting.findings.select_related("visit", "followup").order_by("visit__number", "seq")),
               today)
        waiting.save(update_fields=["reason", "conditions"])
        log(action=AuditAction.UPDATE, instance=waiting, old=old, new=snapshot(waiting), unit=unit,
            note=_("یافته {label} به پیشنهاد افزوده شد.").format(label=finding.label))
        return False
    taken = sanctions_taken(unit.pk, today)
    kinds = [d.kind for d in taken]
    basis = "، ".join(f"{d.get_kind_display()} ({d.number})" for d in taken) or _("بدون مجازات")
    proposal = SanctionProposal(institute=unit, licence=licence, kind=rules.next_sanction(kinds),
                                trigger=trigger_of(finding, today), proposed_on=today, basis=basis[:300])
    _texts(proposal, [finding], today)
    proposal.save()
    proposal.findings.add(finding)
    log(action=AuditAction.CREATE, instance=proposal, new=snapshot(proposal), unit=unit,
        note=_("پیشنهاد خودکار نظارت؛ تصمیم با هیأت است."))
    notices.proposal_raised(proposal)
    return True
