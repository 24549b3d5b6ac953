"""Who is told about an item, and what: the owner when it is raised, rejected, closed or cancelled; the
raiser's level when it is answered; the level above when it is overdue. Each message has a key, so a job or
a request that runs twice tells nobody twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.common import jalali
from maharat.org.models import Unit

from .models import FollowUp, _answers_at


def _accounts_at(unit: Unit) -> list[Any]:
    return [a.user for a in unit.accounts.select_related("user", "unit").order_by("pk") if a.user.is_active]


def answerers(item: FollowUp) -> list[Any]:
    """The owner person while they still answer at the owner unit; otherwise every account there that may."""
    person = item.owner_person
    if person is not None and _answers_at(person, item.owner_unit) and policy.can(person, "respond", item):
        return [person]
    return [u for u in _accounts_at(item.owner_unit) if policy.can(u, "respond", item)]


def verifiers_at(unit: Unit | None, item: FollowUp) -> list[Any]:
    if unit is None:
        return []
    return [u for u in _accounts_at(unit) if policy.can(u, "verify", item)]


def escalation_target(item: FollowUp) -> tuple[Unit | None, list[Any]]:
    """The nearest unit above the owner with someone who may verify the item, and those people. "One level
    up" is the parent, but a center's parent is its county, where no account sits: the item goes on up to
    the province. (None, []) when nobody above may verify it."""
    codes = item.owner_unit.ancestor_codes()
    above = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    for code in reversed(codes):
        unit = above.get(code)
        people = verifiers_at(unit, item)
        if people:
            return unit, people
    return None, []


def raisers(item: FollowUp) -> list[Any]:
    """Who waits for the owner's answer: the raiser, the verifiers of the raiser's unit, and those of the
    unit the item was escalated to."""
    people: list[Any] = []
    if item.raised_by is not None and item.raised_by.is_active and policy.can(item.raised_by, "view", item):
        people.append(item.raised_by)
    people += verifiers_at(item.raised_unit, item)
    if item.escalated_to_id is not None and item.escalated_to_id != item.raised_unit_id:
        people += verifiers_at(item.escalated_to, item)
    return list({u.pk: u for u in people}.values())


def tell(people: Iterable[Any], item: FollowUp, *, topic: str, title: str, body: str, key: str) -> int:
    """Notify each person once for `key`; how many were told now (not before)."""
    from maharat.notify.services import notify

    told = 0
    for user in people:
        outcome = notify(user, topic=topic, title=title, body=body, url=item.get_absolute_url(),
                         key=f"followup:{item.pk}:{key}")
        told += outcome.created
    return told


def _due(item: FollowUp) -> str:
    return jalali.format_date(item.due, persian_digits=True)


# The messages are stored text, read by whoever opens the inbox: written in the platform's language whatever
# the language of the page whose action sent them (as notify writes its e-mails).
def raised(item: FollowUp) -> int:
    with translation.override("fa"):
        return tell(answerers(item), item, topic="followup_raised", key="raised",
                    title=_("پیگیری تازه برای {unit}: {title}").format(unit=item.owner_unit.name, title=item.title),
                    body=_("مهلت انجام: {due}. پس از انجام، گزارش و مستندات آن را در سامانه ثبت کنید.").format(
                        due=_due(item)))


def submitted(item: FollowUp) -> int:
    with translation.override("fa"):
        return tell(raisers(item), item, topic="followup_submitted", key=f"submitted:{item.submissions}",
                    title=_("{unit} انجام «{title}» را اعلام کرد").format(unit=item.owner_unit.name, title=item.title),
                    body=_("گزارش انجام: {note}").format(note=item.response_note))


def decided(item: FollowUp, outcome: str) -> int:
    """The owner hears of its answer rejected (once per answer), the item closed, or cancelled."""
    people = answerers(item)
    if item.responded_by is not None and item.responded_by.is_active and policy.can(item.responded_by, "view", item):
        people = list({u.pk: u for u in [*people, item.responded_by]}.values())
    with translation.override("fa"):
        if outcome == "rejected":
            title = _("انجام «{title}» پذیرفته نشد").format(title=item.title)
            body = _("دلیل: {reason}. مهلت: {due}.").format(reason=item.reject_reason, due=_due(item))
            key = f"rejected:{item.submissions}"
        elif outcome == "closed":
            title, body, key = _("پیگیری «{title}» تأیید و بسته شد").format(title=item.title), "", "closed"
        else:
            title = _("پیگیری «{title}» لغو شد").format(title=item.title)
            body, key = _("دلیل: {reason}").format(reason=item.cancel_reason), "cancelled"
        return tell(people, item, topic=f"followup_{outcome}", title=title, body=body, key=key)


def due_soon(item: FollowUp, today: dt.date) -> int:
    with translation.override("fa"):
        return tell(answerers(item), item, topic="followup_due_soon", key="due-soon",
                    title=_("مهلت «{title}» نزدیک است").format(title=item.title),
                    body=_("مهلت انجام: {due} ({left}).").format(due=_due(item), left=item.deadline.describe(today)))


def overdue(item: FollowUp) -> int:
    with translation.override("fa"):
        return tell(answerers(item), item, topic="followup_overdue", key="overdue",
                    title=_("مهلت «{title}» گذشت").format(title=item.title),
                    body=_("مهلت انجام {due} بود و انجام آن هنوز اعلام نشده است؛ موضوع به سطح بالاتر گزارش شد.").format(
                        due=_due(item)))


def escalated(item: FollowUp, people: list[Any]) -> int:
    with translation.override("fa"):
        return tell(people, item, topic="followup_escalated", key="escalated",
                    title=_("پیگیری معوق {unit}: {title}").format(unit=item.owner_unit.name, title=item.title),
                    body=_("مهلت انجام {due} بود و {unit} انجام آن را اعلام نکرده است.").format(
                        due=_due(item), unit=item.owner_unit.name))
