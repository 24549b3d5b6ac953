"""Sanction proposals: raised by the daily escalation (escalation.py) when a corrective action goes unmet,
decided with one click by the provincial manager (HQ's planner for a revocation), which records the board's
decision through licensing, or dismissed with a reason. Nothing here decides a sanction by itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maharat.institutes import services as licensing
from maharat.institutes.models import Decision, Licence
from maharat.kit import workflow

from .. import rules
from ..models import ProposalStatus, SanctionProposal
from .common import refuse_state


def _locked(proposal: SanctionProposal) -> SanctionProposal:
    return (SanctionProposal.objects.select_for_update().select_related("institute", "licence")
            .get(pk=proposal.pk))


def _permission(user: Any, proposal: SanctionProposal, name: str) -> None:
    if workflow.acting_as(user, "decide", proposal) is None:
        raise PermissionDenied(_("شما اجازه «{action}» را روی این پیشنهاد ندارید.").format(
            action=workflow.label(proposal, name)))


def source_label(proposal: SanctionProposal) -> str:
    """What the board's decision names as its origin: the visits and findings (at most 200 characters)."""
    labels = [f.label for f in proposal.findings.select_related("visit").order_by("visit__number", "seq")]
    text = _("پیشنهاد نظارت: {findings}").format(findings=_("؛ ").join(labels))
    return text if len(text) <= 200 else text[:199] + "…"


def effective_until(proposal: SanctionProposal, licence: Licence, today: dt.date) -> dt.date | None:
    """A periodic sanction lasts the days supervision proposes (rules.PROPOSED_DAYS) from the day it is
    decided, never past the licence's expiry."""
    days = rules.PROPOSED_DAYS.get(proposal.kind)
    if days is None:
        return None
    return min(today + dt.timedelta(days=days), licence.expires_on)


@transaction.atomic
def decide(user: Any, proposal: SanctionProposal) -> Decision:
    """The board takes the proposed sanction: licensing records, numbers and serves the decision (its own
    permission: the province's board, or the central board for a revocation), and the proposal points at it."""
    current = _locked(proposal)
    _permission(user, current, "decide")
    if current.status != ProposalStatus.PENDING:
        refuse_state(current, "decide")
    licence = Licence.objects.get(pk=current.licence_id)
    until = effective_until(current, licence, timezone.localdate())
    with translation.override("fa"):  # the decision's stored text, in the platform's language
        label = source_label(current)
    decision = licensing.decide(user, licence, licensing.DecisionData(
        kind=current.kind, reason=current.reason, effective_until=until,
        conditions=current.conditions if current.kind == "conditions" else "", source_label=label))
    current.effective_until = until
    current.save(update_fields=["effective_until"])
    workflow.perform(current, "decide", user=user, reason=_("تصمیم {number}").format(number=decision.number),
                     decision=decision)
    return decision


@transaction.atomic
def dismiss(user: Any, proposal: SanctionProposal, reason: str) -> SanctionProposal:
    current = _locked(proposal)
    _permission(user, current, "dismiss")
    reason = rules.clean_public(reason, field="reason", label=_("دلیل رد پیشنهاد"), limit=rules.NOTE_MAX,
                                required=True, multiline=True)
    if current.status != ProposalStatus.PENDING:
        refuse_state(current, "dismiss")
    return workflow.perform(current, "dismiss", user=user, reason=reason)
