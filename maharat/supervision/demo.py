"""The demo country's supervision, in Qazvin, reached through the same services as the pages: visits done with
findings and their follow-up items (the demo institute's manager has one answered and one to answer), an
unannounced visit whose corrective action went past its deadline and became a sanction proposal, a follow-up
visit planned after it, visits planned (one unannounced, hidden from its institute), a closed file and a
cancelled visit, and complaints in each state. Called by maharat/demo/licensing.py once licensing is built."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

ACCOUNTS = ("qazvin_manager", "qazvin_expert", "institute_manager", "hq_planner")


@transaction.atomic
def build(today: dt.date) -> None:
    from maharat.institutes.models import Licence, LicenceStatus
    from maharat.supervision.models import Visit

    users = {u.username: u for u in get_user_model().objects.filter(username__in=ACCOUNTS)
             .select_related("account__unit")}
    if len(users) < len(ACCOUNTS) or Visit.objects.exists():
        return
    own = users["institute_manager"].account.unit
    # Institutes in good standing from the middle of the province's list: the licensing demo sanctions the first
    # ones by code and moves the expiry of the last ones.
    active = list(Licence.objects.filter(institute__unit__province__code="IR-26", is_current=True,
                                         status=LicenceStatus.ACTIVE).exclude(institute__unit=own)
                  .select_related("institute__unit").order_by("institute__unit__code"))[12:20]
    if len(active) < 6:
        return
    others = [lic.institute.unit for lic in active]
    _visits(users, own, others, today)
    _complaints(own, others, users["qazvin_manager"])
    from maharat.supervision import escalation

    escalation.run(today)


def _answers(visit: Any, failing: int, days: int) -> Any:
    from maharat.supervision.models import Result
    from maharat.supervision.services.findings import FindingData
    from maharat.supervision.services.visits import AnswerData

    items = list(visit.checklist.items.order_by("order", "pk"))
    # The failures spread over the areas (every third item), as a real visit finds them.
    failed = {items[i].pk for i in range(0, len(items), 3)[:failing]}
    return {item.pk: AnswerData(result=Result.FAIL, fix=FindingData(
        action_plan=f"رفع نقص «{item.text}» و ارسال تصویر آن", working_days=days)) if item.pk in failed
        else AnswerData(result=Result.PASS) for item in items}


def _visits(users: dict[str, Any], own: Any, others: list[Any], today: dt.date) -> None:
    from maharat.followup import services as followups
    from maharat.followup.models import FollowUp
    from maharat.supervision.services import visits
    from maharat.supervision.services.visits import Results

    expert, manager, institute = users["qazvin_expert"], users["qazvin_manager"], users["institute_manager"]
    team = [expert, manager]

    def performed(unit: Any, *, days_ago: int, failing: int, kind: str = "scheduled", days: int = 10,
                  summary: str = "") -> Any:
        day = today - dt.timedelta(days=days_ago)
        visit = visits.plan_visit(expert, institute=unit, kind=kind, planned_on=day, inspectors=team)
        return visits.complete_visit(expert, visit, Results(
            visited_on=day, answers=_answers(visit, failing, days), summary=summary,
            internal_note="مدیر آموزشگاه در زمان بازدید حاضر بود؛ دفاتر یک دوره در دسترس نبود."))

    # The demo institute: two findings three days ago; it has answered one, the other is its to answer.
    mine = performed(own, days_ago=3, failing=2, summary="کارگاه‌ها فعال بود؛ دو نقص ایمنی و مدارک مربی دیده شد.")
    first = mine.findings.order_by("seq").first()
    if first is not None and first.followup is not None:
        followups.respond(institute, first.followup, "کپسول‌ها شارژ و در کارگاه نصب شد؛ تصویر فاکتور پیوست است.")
    # An unannounced visit a month ago with three findings: one the province withdrew (it is checked on the
    # follow-up visit planned next week), two whose deadlines have passed, which the morning's escalation turns
    # into a sanction proposal. (A deadline is given from the visit's day and cannot start out passed: the demo
    # moves the two to five days ago, as a month of waiting would have left them.)
    late = performed(others[0], days_ago=30, failing=3, kind="unannounced", days=30,
                     summary="کلاس بدون مربی دارای کارت برگزار می‌شد؛ تعرفه شهریه نصب نبود.")
    found = list(late.findings.order_by("seq").select_related("followup"))
    if found and found[0].followup is not None:
        followups.cancel(manager, found[0].followup, "در بازدید پیگیری بررسی می‌شود.")
    FollowUp.objects.filter(pk__in=[f.followup_id for f in found[1:] if f.followup_id]).update(
        due=today - dt.timedelta(days=5))
    visits.plan_visit(expert, institute=others[0], kind="unannounced", planned_on=today + dt.timedelta(days=7),
                      inspectors=[expert], follow_up_of=late, purpose="بازدید پیگیری اقدام‌های اصلاحی")
    # Planned: one announced with its team, one unannounced (the institute does not see it).
    visits.plan_visit(expert, institute=others[1], kind="scheduled", planned_on=today + dt.timedelta(days=14),
                      inspectors=team, purpose="بازدید دوره‌ای درجه دو")
    visits.plan_visit(manager, institute=others[2], kind="unannounced", planned_on=today + dt.timedelta(days=5),
                      inspectors=[manager])
    # A clean visit whose file is closed, and a visit cancelled.
    clean = performed(others[3], days_ago=45, failing=0, summary="همه بندها منطبق بود.")
    visits.close_visit(manager, clean, "بدون یافته")
    cancelled = visits.plan_visit(expert, institute=others[4], kind="scheduled", planned_on=today)
    visits.cancel_visit(expert, cancelled, "تعطیلی آموزشگاه به علت بازسازی ساختمان؛ پس از بازگشایی برنامه‌ریزی شود.")


def _complaints(own: Any, others: list[Any], manager: Any) -> None:
    from maharat.supervision.services import complaints
    from maharat.supervision.services.complaints import ComplaintData

    def filed(unit: Any, category: str, text: str, **kw: Any) -> Any:
        return complaints.submit(ComplaintData(institute=unit.code, complainant_kind=kw.pop("who", "trainee"),
                                               category=category, description=text, **kw))

    filed(others[5], "safety", "در کارگاه برق، کارآموزان بدون دستکش عایق کار می‌کنند.", name="رضا کریمی",
          mobile="09121112233", sms_consent=True)
    started = filed(others[0], "trainer", "مربی دوره حسابداری بیشتر جلسات حاضر نمی‌شود.", who="parent")
    complaints.step(manager, started, "start")
    answered = filed(own, "fees", "برای دوره آرایش شهریه‌ای بیش از تعرفه اعلام‌شده گرفته شد.", name="سارا محمدی",
                     mobile="09351234567", sms_consent=True)
    complaints.step(manager, answered, "start")
    complaints.step(manager, answered, "respond", "مبلغ اضافه به شاکی بازگردانده شد و به آموزشگاه تذکر داده شد.")
    unfounded = filed(others[1], "certificate", "گواهینامه‌ام هنوز صادر نشده است.", who="graduate")
    complaints.step(manager, unfounded, "reject", "آزمون عملی شاکی هنوز برگزار نشده و صدور گواهینامه پس از آن است.")
