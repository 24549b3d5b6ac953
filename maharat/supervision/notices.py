"""Who is told what: the inspectors of a visit they are sent on; the institute of a visit announced to it, of
a report it may read and of a complaint's answer; the province's managers of a sanction proposal and of a
complaint received (HQ's planners too, of a proposed revocation, which is the central board's); the
complainant, by SMS when they asked for it. Each message has a key, so nothing is told twice."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.common import jalali
from maharat.org.models import Unit

from .models import Complaint, SanctionProposal, Visit


def _people_at(unit: Unit | None, action: str, record: Any) -> list[Any]:
    if unit is None:
        return []
    return [a.user for a in unit.accounts.select_related("user", "unit").order_by("pk")
            if a.user.is_active and policy.can(a.user, action, record)]


def _tell(people: Iterable[Any], *, topic: str, title: str, body: str, url: str, key: str) -> int:
    from maharat.notify.services import notify

    told = 0
    for user in people:
        told += notify(user, topic=topic, title=title, body=body, url=url, key=key).created
    return told


def _day(value: Any) -> str:
    return jalali.format_date(value, persian_digits=True)


# The messages are stored text: written in the platform's language whatever the page's language.
def visit_planned(visit: Visit) -> int:
    told = 0
    with translation.override("fa"):
        told += _tell(list(visit.inspectors.filter(is_active=True)), topic="supervision_visit_assigned",
                      key=f"visit:{visit.pk}:assigned", url=visit.get_absolute_url(),
                      title=_("بازدید نظارتی {number}: {unit}").format(number=visit.number, unit=visit.institute.name),
                      body=_("تاریخ برنامه: {day} ({kind}).").format(day=_day(visit.planned_on),
                                                                     kind=visit.get_kind_display()))
        if visit.disclosed_to_id is not None:
            told += _tell(_people_at(visit.institute, "view", visit), topic="supervision_visit_announced",
                          key=f"visit:{visit.pk}:announced", url=visit.get_absolute_url(),
                          title=_("بازدید نظارتی آموزشگاه در {day}").format(day=_day(visit.planned_on)),
                          body=_("کارشناسان نظارت استان در این تاریخ از آموزشگاه بازدید می‌کنند."))
    return told


def visit_done(visit: Visit) -> int:
    with translation.override("fa"):
        return _tell(_people_at(visit.institute, "view", visit), topic="supervision_visit_done",
                     key=f"visit:{visit.pk}:done", url=visit.get_absolute_url(),
                     title=_("گزارش بازدید نظارتی {number}").format(number=visit.number),
                     body=_("امتیاز: {score} از ۱۰۰؛ یافته‌ها و اقدام‌های اصلاحی در صفحه بازدید است.").format(
                         score=visit.score))


def visit_cancelled(visit: Visit) -> int:
    if visit.disclosed_to_id is None:
        return 0
    with translation.override("fa"):
        return _tell(_people_at(visit.institute, "view", visit), topic="supervision_visit_cancelled",
                     key=f"visit:{visit.pk}:cancelled", url=visit.get_absolute_url(),
                     title=_("بازدید نظارتی {day} لغو شد").format(day=_day(visit.planned_on)), body="")


def proposal_raised(proposal: SanctionProposal) -> int:
    unit = proposal.institute
    people = _people_at(unit.province, "decide", proposal)
    if proposal.kind == "revoke":
        from maharat.access.records import tree

        people += _people_at(tree().root(), "decide", proposal)
    with translation.override("fa"):
        return _tell(people, topic="supervision_proposal", key=f"proposal:{proposal.pk}:raised",
                     url=proposal.get_absolute_url(),
                     title=_("پیشنهاد «{kind}» برای {unit}").format(kind=proposal.get_kind_display(), unit=unit.name),
                     body=proposal.reason)


def complaint_received(complaint: Complaint) -> int:
    told = 0
    with translation.override("fa"):
        told += _tell(_people_at(complaint.province, "change", complaint), topic="supervision_complaint",
                      key=f"complaint:{complaint.pk}:received", url=complaint.get_absolute_url(),
                      title=_("شکایت تازه از {unit}").format(unit=complaint.institute.name),
                      body=_("موضوع: {category}. مهلت پاسخ: {due}.").format(
                          category=complaint.get_category_display(), due=_day(complaint.due)))
        _sms(complaint, "received", _("شکایت شما از {unit} با کد رهگیری {code} ثبت شد. مهلت پاسخ: {due}.").format(
            unit=complaint.institute.name, code=complaint.tracking_code, due=_day(complaint.due)))
    return told


def complaint_overdue(complaint: Complaint) -> int:
    with translation.override("fa"):
        return _tell(_people_at(complaint.province, "change", complaint), topic="supervision_complaint_overdue",
                     key=f"complaint:{complaint.pk}:overdue", url=complaint.get_absolute_url(),
                     title=_("مهلت پاسخ شکایت از {unit} گذشت").format(unit=complaint.institute.name),
                     body=_("مهلت پاسخ {due} بود و شکایت هنوز پاسخ داده نشده است.").format(
                         due=_day(complaint.due)))


def complaint_settled(complaint: Complaint) -> int:
    with translation.override("fa"):
        _sms(complaint, "settled", _("شکایت {code}: {status}. متن پاسخ را با کد رهگیری در سامانه ببینید.").format(
            code=complaint.tracking_code, status=complaint.get_status_display()))
        return _tell(_people_at(complaint.institute, "view", complaint), topic="supervision_complaint_settled",
                     key=f"complaint:{complaint.pk}:settled", url=complaint.get_absolute_url(),
                     title=_("نتیجه رسیدگی به یک شکایت از آموزشگاه"),
                     body=_("موضوع: {category}. {status}.").format(category=complaint.get_category_display(),
                                                                    status=complaint.get_status_display()))


def _sms(complaint: Complaint, step: str, text: str) -> None:
    if not complaint.mobile:
        return
    from maharat.notify.sms import send_sms

    send_sms(complaint.mobile, text, key=f"complaint:{complaint.pk}:{step}", consent=complaint.sms_consent,
             purpose="supervision_complaint")
