"""Follow-up items: who may raise, answer, verify and cancel them, and where.

An item sits at the unit that owes it (its owner unit), so it is seen there and everywhere above. Who does
what depends on which side of the item one stands:

- the owner unit answers it ("respond": it is done, here is the note and the evidence), and nobody else
  does: a province does not answer for its center, since the province is who verifies the answer;
- the levels above the owner raise it, verify or reject the answer ("add", "verify"), never the owner
  itself: a center does not set or close its own corrective actions;
- it is cancelled by the level that raised it or one above ("cancel"): a province does not withdraw what HQ
  asked of its center;
- its evidence ("change": attachments) is added while it is open, by the owner or the levels above; once it
  is submitted the evidence stands as it was when the owner said it was done, until it is verified or
  rejected.

The terms of an item (what is asked, of whom, by when) are not edited: what was asked is what is verified. A
different demand is a new item, the old one cancelled with its reason; so the trail never shows a deadline
moved quietly.

HQ's roles act everywhere (policy: the national unit's subtree is the country); HQ itself owes nothing,
since nobody stands above it to verify, so HQ's planner does not "respond".
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from maharat.access import policy
from maharat.access.records import VIEW, kind, menu, record
from maharat.access.roles import Role
from maharat.attachments.registry import enable

from .models import FollowUp, FollowUpStatus
from .rules import KIND

RAISE = {VIEW, "add", "change"}
DECIDE = {"verify", "cancel"}

kind(KIND, _("پیگیری"), roles={
    Role.HQ_PLANNER: RAISE | DECIDE,
    Role.PROVINCIAL_MANAGER: RAISE | DECIDE | {"respond"},
    Role.PROVINCIAL_EXPERT: RAISE,
    # "change" is what lets the owner attach its evidence (attachments ask for the record's "change"); the rule
    # below keeps it to open items.
    Role.CENTER_HEAD: {VIEW, "change", "respond"},
    Role.INSTITUTE_MANAGER: {VIEW, "change", "respond"},
    Role.HQ_VIEWER: {VIEW},
})


def side_rule(user: Any, item: FollowUp, action: str) -> bool:
    """The one rule of which side may do what (see the module's docstring). Called by the permission layer
    for accounts below HQ, after the role check and before its own test that the owner unit lies in the
    user's subtree; so "above the owner" here is "not the owner unit itself"."""
    unit = policy.actor_of(user).unit
    if unit is None or item.owner_unit_id is None:
        return False
    if action == "respond":
        return bool(item.owner_unit_id == unit.pk)
    if action == "change":
        return bool(item.status == FollowUpStatus.OPEN)
    if item.owner_unit_id == unit.pk:
        return False  # add, verify, cancel: never on what one's own unit owes
    if action == "cancel":
        return item.raised_unit_id is not None and policy.in_subtree(item.raised_unit, unit)
    return True


record(FollowUp, kind=KIND, unit="owner_unit", write_check=side_rule)
enable(FollowUp)
menu(_("پیگیری‌ها"), "followup_list", kind=KIND, group="work", order=20)
