"""The approvals inbox (issue 17): what waits for me, ten months approved in one action with each unit told,
all-or-nothing refusals listed by month, delegation with the trail naming who acted for whom, the workflow's
transitions audited, and the daily reminder sent once however often the job runs."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from maharat.access.delegation import Delegation, delegate
from maharat.access.models import Account
from maharat.approval import reminders, services
from maharat.approval.locks import Period
from maharat.approval.models import PeriodReport, PeriodStatus
from maharat.approval.selectors import inbox
from maharat.audit.models import AuditEntry
from maharat.factories import make_unit
from maharat.kit import workflow
from maharat.notify.models import Notification
from maharat.org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


def account(django_user_model, role: str, unit: Unit, name: str):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(name, password="inbox-test-password")
    Account.objects.create(user=user, role=role, unit=unit)
    return user


def ended_month() -> Period:
    return reminders._previous(Period.of(timezone.localdate()))


@pytest.fixture
def qazvin_months(django_user_model):  # type: ignore[no-untyped-def]
    """Ten Qazvin centers, each with a head who has sent last month's report."""
    period = ended_month()
    heads, units = [], []
    for i in range(10):
        center = make_unit(UnitKind.FIXED_CENTER, name=f"مرکز کارتابل {i}")
        head = account(django_user_model, "center_head", center, f"head{i}")
        services.submit(user=head, unit=center, year=period.year, month=period.month)
        heads.append(head)
        units.append(center)
    return {"period": period, "units": units, "heads": heads,
            "manager": account(django_user_model, "provincial_manager", Unit.objects.get(code="IR-26"), "manager"),
            "expert": account(django_user_model, "provincial_expert", Unit.objects.get(code="IR-26"), "expert"),
            "tehran": account(django_user_model, "provincial_manager", Unit.objects.get(code="IR-23"), "tehran"),
            "hq": account(django_user_model, "hq_planner", Unit.objects.get(code="IR"), "hq")}


def test_the_manager_approves_ten_months_in_one_action_and_each_unit_is_told(client, qazvin_months) -> None:  # type: ignore[no-untyped-def]
    manager = qazvin_months["manager"]
    client.force_login(manager)
    page = client.get(reverse("period_inbox"))
    assert page.status_code == 200
    ids = [w.report.pk for w in page.context["rows"]]
    assert len(ids) == 10 and {w.action for w in page.context["rows"]} == {"approve"}
    response = client.post(reverse("period_inbox_bulk"), {"report": ids, "action": "approve"})
    assert response.status_code == 302
    assert PeriodReport.objects.filter(status=PeriodStatus.APPROVED).count() == 10
    for head in qazvin_months["heads"]:  # each unit's head has one message about its month
        assert Notification.objects.filter(recipient=head, topic="period_approved").count() == 1
    assert AuditEntry.objects.filter(action="approve", user=manager).count() == 10
    assert client.get(reverse("period_inbox")).context["rows"] == []
    # Now they wait for HQ.
    client.force_login(qazvin_months["hq"])
    rows = client.get(reverse("period_inbox")).context["rows"]
    assert len(rows) == 10 and {w.action for w in rows} == {"accept"}


def test_another_province_and_a_viewer_see_nothing_and_decide_nothing(client, qazvin_months) -> None:  # type: ignore[no-untyped-def]
    ids = list(PeriodReport.objects.values_list("pk", flat=True))
    assert inbox(qazvin_months["tehran"]) == []
    assert inbox(qazvin_months["expert"]) == []  # a provincial expert may view, not approve
    with pytest.raises(ValidationError) as refused:
        services.bulk(user=qazvin_months["tehran"], ids=ids, action="approve")
    assert len(refused.value.messages) == 10  # every month named, none approved
    assert all("اجازه" in text for text in refused.value.messages)
    assert PeriodReport.objects.filter(status=PeriodStatus.SUBMITTED).count() == 10
    client.force_login(qazvin_months["tehran"])
    client.post(reverse("period_inbox_bulk"), {"report": ids, "action": "approve"})
    assert PeriodReport.objects.filter(status=PeriodStatus.SUBMITTED).count() == 10


def test_all_or_nothing_when_one_month_changed_meanwhile(qazvin_months) -> None:  # type: ignore[no-untyped-def]
    manager, period = qazvin_months["manager"], qazvin_months["period"]
    first = qazvin_months["units"][0]
    services.return_for_correction(user=manager, unit=first, year=period.year, month=period.month, reason="ناقص")
    ids = list(PeriodReport.objects.values_list("pk", flat=True))
    with pytest.raises(ValidationError) as refused:
        services.bulk(user=manager, ids=ids, action="approve")
    assert len(refused.value.messages) == 1 and first.name in refused.value.messages[0]
    assert "برگشت‌خورده" in refused.value.messages[0]
    assert PeriodReport.objects.filter(status=PeriodStatus.APPROVED).count() == 0  # the nine others neither
    assert Notification.objects.filter(topic="period_approved").count() == 0


def test_bulk_return_needs_a_reason_and_tells_each_unit_why(qazvin_months) -> None:  # type: ignore[no-untyped-def]
    manager = qazvin_months["manager"]
    ids = list(PeriodReport.objects.values_list("pk", flat=True))
    with pytest.raises(ValidationError):
        services.bulk(user=manager, ids=ids, action="return", reason="   ")
    services.bulk(user=manager, ids=ids[:3], action="return", reason="ساعت‌های حضور ناقص است")
    notes = Notification.objects.filter(topic="period_returned")
    assert notes.count() == 3 and all("ساعت‌های حضور ناقص است" in n.body for n in notes)


def test_delegation_lets_a_colleague_act_and_the_trail_names_both(client, qazvin_months) -> None:  # type: ignore[no-untyped-def]
    manager, expert, period = qazvin_months["manager"], qazvin_months["expert"], qazvin_months["period"]
    unit = qazvin_months["units"][0]
    with pytest.raises(PermissionDenied):  # without a delegation an expert cannot approve
        services.approve(user=expert, unit=unit, year=period.year, month=period.month)
    with pytest.raises(PermissionDenied):  # a delegate must be a colleague of the same unit
        delegate(user=manager, to=qazvin_months["tehran"], starts=timezone.localdate(),
                 ends=timezone.localdate() + dt.timedelta(days=5), reason="مرخصی")
    client.force_login(manager)
    today = timezone.localdate()
    response = client.post(reverse("period_delegations"), {
        "delegate": expert.pk, "starts": _jalali(today), "ends": _jalali(today + dt.timedelta(days=7)),
        "reason": "مرخصی استحقاقی"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Delegation.objects.filter(delegator=manager, delegate=expert).count() == 1
    assert len(inbox(expert)) == 10  # the manager's months are in the expert's inbox now
    services.approve(user=expert, unit=unit, year=period.year, month=period.month)
    entry = AuditEntry.objects.get(action="approve")
    assert (entry.user, entry.acting_for, entry.acting_for_username) == (expert, manager, "manager")
    report = PeriodReport.objects.get(unit=unit)
    steps = workflow.history(report, manager)
    assert [(s.action, s.acting_for) for s in steps][-1] == ("تأیید استان", "manager")
    # Revoked: the expert is back to viewing.
    client.post(reverse("period_delegation_revoke", args=[Delegation.objects.get().pk]))
    other = qazvin_months["units"][1]
    with pytest.raises(PermissionDenied):
        services.approve(user=expert, unit=other, year=period.year, month=period.month)


def test_a_delegation_is_checked_for_dates_and_self(client, qazvin_months) -> None:  # type: ignore[no-untyped-def]
    manager, expert = qazvin_months["manager"], qazvin_months["expert"]
    client.force_login(manager)
    today = timezone.localdate()
    page = client.post(reverse("period_delegations"), {
        "delegate": expert.pk, "starts": _jalali(today + dt.timedelta(days=5)), "ends": _jalali(today),
        "reason": "مرخصی"})
    assert page.status_code == 200 and Delegation.objects.count() == 0
    assert "پیش از آغاز" in page.content.decode()
    page = client.post(reverse("period_delegations"), {"delegate": expert.pk, "starts": _jalali(today),
                                                     "ends": _jalali(today), "reason": "x\x00"})
    assert page.status_code == 400 and Delegation.objects.count() == 0  # the platform's answer to a NUL byte
    page = client.post(reverse("period_delegations"), {"delegate": manager.pk, "starts": _jalali(today),
                                                     "ends": _jalali(today), "reason": "خودم"})
    assert page.status_code == 200 and Delegation.objects.count() == 0  # oneself is not a colleague to choose


def test_every_transition_is_declared_once_and_audited_with_from_and_to(qazvin_months) -> None:  # type: ignore[no-untyped-def]
    manager, hq, period = qazvin_months["manager"], qazvin_months["hq"], qazvin_months["period"]
    unit = qazvin_months["units"][0]
    services.return_for_correction(user=manager, unit=unit, year=period.year, month=period.month, reason="ناقص")
    services.submit(user=qazvin_months["heads"][0], unit=unit, year=period.year, month=period.month)
    services.approve(user=manager, unit=unit, year=period.year, month=period.month)
    services.accept(user=hq, unit=unit, year=period.year, month=period.month)
    report = PeriodReport.objects.get(unit=unit)
    entries = AuditEntry.objects.filter(object_id=str(report.pk), content_type__model="periodreport").order_by("pk")
    assert [(e.action, e.changes["status"]) for e in entries] == [
        ("submit", ["open", "submitted"]), ("return", ["submitted", "returned"]), ("submit", ["returned", "submitted"]),
        ("approve", ["submitted", "approved"]), ("accept", ["approved", "accepted"])]
    assert entries[1].note == "ناقص"
    names = {t.name for t in PeriodReport._meta.get_field("status").get_all_transitions(PeriodReport)}  # type: ignore[attr-defined]
    assert names == {"submit", "approve", "accept", "send_back"}
    with pytest.raises(ValidationError) as refused:  # accepted: nothing more can happen to it
        services.return_for_correction(user=hq, unit=unit, year=period.year, month=period.month, reason="دیر")
    assert "پذیرفته‌شده ستاد" in refused.value.messages[0]


def test_a_deadline_due_tomorrow_gives_one_message_and_one_sms_even_when_the_job_runs_twice(
        django_user_model, settings, tmp_path, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from maharat.notify.services import preferences_of

    settings.SMS_OUTBOX = tmp_path
    center = make_unit(UnitKind.FIXED_CENTER, name="مرکز یادآوری")
    head = account(django_user_model, "center_head", center, "reminded")
    choice = preferences_of(head)
    choice.sms, choice.mobile = True, "09121234567"
    choice.verified_mobile = choice.mobile  # proven by its code (notify/tests/test_verify.py)
    choice.save()
    period = ended_month()
    tomorrow_is_deadline = period.deadline() - dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):  # the SMS leaves once the reminder has committed
        first = reminders.run(tomorrow_is_deadline)
    with django_capture_on_commit_callbacks(execute=True):
        second = reminders.run(tomorrow_is_deadline)
    mine = Notification.objects.filter(recipient=head)
    assert mine.count() == 1 and "فردا" in mine.get().title
    assert first.due >= 1 and second.due == 0
    lines = [json.loads(line) for line in (tmp_path / "outbox.jsonl").read_text().splitlines()]
    assert [line["phone"] for line in lines if line["phone"] == "09121234567"] == ["09121234567"]
    # A unit that has sent its month is not reminded.
    services.submit(user=head, unit=center, year=period.year, month=period.month)
    Notification.objects.all().delete()
    reminders.run(tomorrow_is_deadline)
    assert not Notification.objects.filter(recipient=head).exists()
    # The day after the deadline, a unit that did not send is told once that it passed.
    late = make_unit(UnitKind.FIXED_CENTER, name="مرکز دیرکرد")
    late_head = account(django_user_model, "center_head", late, "late")
    reminders.run(period.deadline() + dt.timedelta(days=1))
    reminders.run(period.deadline() + dt.timedelta(days=1))
    assert Notification.objects.filter(recipient=late_head, topic="period_deadline_passed").count() == 1


def _jalali(day: dt.date) -> str:
    from maharat.common import jalali

    j = jalali.from_gregorian(day)
    return f"{j.year}/{j.month:02d}/{j.day:02d}"



def test_a_delegation_ends_when_either_person_moves_to_another_unit(qazvin_months) -> None:  # type: ignore[no-untyped-def]
    manager, expert = qazvin_months["manager"], qazvin_months["expert"]
    delegate(user=manager, to=expert, starts=timezone.localdate(), ends=timezone.localdate() + dt.timedelta(days=30),
             reason="مرخصی")
    assert len(inbox(expert)) == 10
    Account.objects.filter(user=manager).update(unit=Unit.objects.get(code="IR-23"))  # appointed to Tehran
    expert = type(expert).objects.get(pk=expert.pk)  # a fresh request: no cached place
    assert inbox(expert) == []
    period, unit = qazvin_months["period"], qazvin_months["units"][0]
    with pytest.raises(PermissionDenied):
        services.approve(user=expert, unit=unit, year=period.year, month=period.month)


def test_only_who_decides_may_delegate_and_hostile_ids_are_ignored(client, qazvin_months) -> None:  # type: ignore[no-untyped-def]
    client.force_login(qazvin_months["heads"][0])
    assert client.get(reverse("period_delegations")).status_code == 403
    assert client.post(reverse("period_delegations"), {"delegate": qazvin_months["expert"].pk}).status_code == 403
    client.force_login(qazvin_months["manager"])
    response = client.post(reverse("period_inbox_bulk"), {"report": ["9" * 5000, "1" + "0" * 20], "action": "approve"})
    assert response.status_code == 302  # "no report selected", not a server error
    assert PeriodReport.objects.filter(status=PeriodStatus.APPROVED).count() == 0
