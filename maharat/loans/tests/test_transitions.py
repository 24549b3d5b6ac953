"""Each transition and each refusal of one: the wrong state (in kit.workflow's words), a missing or bad value
(named by field, all at once), the wrong day, a stale copy, and nothing written by a refusal; who is told."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maharat.audit.models import AuditEntry
from maharat.loans import services
from maharat.loans.models import Instalment, LoanStatus
from maharat.notify.models import Notification

from .conftest import DECIDED, RECEIVED, applied, approved, disbursed, fresh, paid_out

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 22)


def errors_of(call: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict if hasattr(caught.value, "error_dict") else {"": caught.value.messages}


def trail(loan: Any) -> int:
    return AuditEntry.objects.filter(content_type__model="loan", object_id=str(loan.pk)).count()


def told(user: Any) -> list[str]:
    return list(Notification.objects.filter(recipient=user, topic="loans").order_by("pk").values_list("title", flat=True))


def test_approve_for_less_needs_a_reason_and_never_more_than_asked(world: dict[str, Any]) -> None:
    loan = applied(world)
    before = trail(loan)
    assert errors_of(lambda: services.approve(world["manager"], loan, amount=300_000_000)) == {
        "note": ["«دلیل کاهش مبلغ» را بنویسید."]}
    assert errors_of(lambda: services.approve(world["manager"], loan, amount=600_000_000)) == {
        "amount": ["«مبلغ مصوب (ریال)» نمی‌تواند بیشتر از ۵۰۰٬۰۰۰٬۰۰۰ باشد."]}
    assert errors_of(lambda: services.approve(world["manager"], loan, amount=999)) == {
        "amount": ["«مبلغ مصوب (ریال)» نمی‌تواند کمتر از ۱٬۰۰۰٬۰۰۰ باشد."]}
    assert fresh(loan).status == LoanStatus.SUBMITTED and trail(loan) == before
    done = services.approve(world["manager"], loan, amount=300_000_000, note="سقف استانی این رشته")
    assert (done.approved_amount, done.reduced, done.decision_note) == (300_000_000, True, "سقف استانی این رشته")


def test_the_decision_day_lies_between_the_request_and_today(world: dict[str, Any]) -> None:
    loan = applied(world)
    assert errors_of(lambda: services.approve(world["manager"], loan, on=RECEIVED - dt.timedelta(days=1))) == {
        "on": ["«تاریخ تصمیم» نمی‌تواند پیش از تاریخ درخواست (۱۴۰۵/۰۸/۰۱) باشد."]}
    assert errors_of(lambda: services.approve(world["manager"], loan, on=TODAY + dt.timedelta(days=1))) == {
        "on": ["«تاریخ تصمیم» نمی‌تواند بعد از امروز باشد."]}
    assert errors_of(lambda: services.approve(world["manager"], loan, on=dt.date(1, 1, 1))) == {
        "on": ["سال باید بین ۱۳۰۰ و ۱۵۰۰ باشد."]}
    assert services.approve(world["manager"], loan).decided_on == TODAY


def test_a_rejection_needs_its_reason(world: dict[str, Any]) -> None:
    loan = applied(world)
    assert errors_of(lambda: services.reject(world["manager"], loan, reason="  ")) == {"reason": ["«دلیل رد» را بنویسید."]}
    assert errors_of(lambda: services.reject(world["manager"], loan, reason="رد\u202e")) == {
        "reason": ["«دلیل رد» نویسه کنترلی یا جهت‌دهی نامرئی دارد که مجاز نیست."]}
    assert services.reject(world["manager"], loan, reason="طرح توجیهی ناقص").status == LoanStatus.REJECTED


@pytest.mark.parametrize(("step", "state"), [
    ("approve", "approved"), ("reject", "rejected"), ("disburse", "submitted"), ("declare_default", "approved"),
    ("write_off", "disbursed")])
def test_each_step_from_the_wrong_state(world: dict[str, Any], step: str, state: str) -> None:
    loan = applied(world)
    if state == "rejected":
        loan = services.reject(world["manager"], loan, reason="ناقص")
    elif state in ("approved", "disbursed"):
        loan = approved(world, loan)
    if state == "disbursed":
        loan = disbursed(world, loan)
    calls = {
        "approve": lambda: services.approve(world["hq_planner"], loan),
        "reject": lambda: services.reject(world["hq_planner"], loan, reason="دوباره"),
        "disburse": lambda: services.disburse(world["expert"], loan, on=TODAY, reference="P-1"),
        "declare_default": lambda: services.declare_default(world["hq_planner"], loan, reason="نکول"),
        "write_off": lambda: services.write_off(world["hq_planner"], loan, reason="سوخت"),
    }
    before = (fresh(loan).status, trail(loan))
    assert before[0] == state
    (message,) = errors_of(calls[step])[""]
    assert message.startswith(f"این رکورد در وضعیت «{fresh(loan).get_status_display()}» است و «"), message
    assert (fresh(loan).status, trail(loan)) == before


def test_permission_is_asked_before_the_state(world: dict[str, Any]) -> None:
    loan = services.reject(world["manager"], applied(world), reason="ناقص")
    with pytest.raises(PermissionDenied, match="اجازه «تصویب»"):
        services.approve(world["expert"], loan)  # who may not decide learns nothing of where the loan stands


def test_a_stale_copy_is_read_again(world: dict[str, Any]) -> None:
    loan = applied(world)
    stale = fresh(loan)
    services.reject(world["manager"], loan, reason="ناقص")
    (message,) = errors_of(lambda: services.approve(world["hq_planner"], stale))[""]
    assert "«ردشده»" in message and fresh(loan).status == LoanStatus.REJECTED


def test_disbursement_needs_its_day_and_reference(world: dict[str, Any]) -> None:
    loan = approved(world, applied(world))
    assert errors_of(lambda: services.disburse(world["expert"], loan, on=DECIDED - dt.timedelta(days=1),
                                               reference="")) == {
        "on": ["«تاریخ پرداخت» نمی‌تواند پیش از تاریخ تصویب (۱۴۰۵/۰۸/۰۶) باشد."],
        "reference": ["«شماره مرجع پرداخت» را بنویسید."]}
    assert errors_of(lambda: services.disburse(world["expert"], loan, on=TODAY, reference="=HYPERLINK(1)")) == {
        "reference": ["«شماره مرجع پرداخت» نمی‌تواند با = + - @ آغاز شود."]}
    assert not Instalment.objects.filter(loan=loan).exists() and fresh(loan).status == LoanStatus.APPROVED
    done = services.disburse(world["expert"], loan, on=TODAY, reference="PAY-77")
    assert done.status == LoanStatus.DISBURSED and done.instalments.count() == 24


def test_the_schedule_is_audited_with_the_disbursement(world: dict[str, Any]) -> None:
    paid_out(world)
    made = AuditEntry.objects.filter(content_type__model="instalment", action="create")
    assert made.count() == 24 and {e.unit_id for e in made} == {world["institute"].pk}


def test_default_only_while_owed_and_write_off_only_once_defaulted(world: dict[str, Any]) -> None:
    loan = paid_out(world)
    assert errors_of(lambda: services.declare_default(world["hq_planner"], loan, reason="")) == {
        "reason": ["«دلیل اعلام نکول» را بنویسید."]}
    services.declare_default(world["hq_planner"], loan, reason="نکول")
    (message,) = errors_of(lambda: services.declare_default(world["hq_planner"], loan, reason="دوباره"))[""]
    assert "«نکول‌شده»" in message
    assert services.write_off(world["hq_planner"], loan, reason="سوخت").status == LoanStatus.WRITTEN_OFF


def test_who_is_told(world: dict[str, Any]) -> None:
    small = applied(world)
    big = applied(world, institute="neighbour", amount=1_500_000_000)
    assert told(world["manager"]) == ["درخواست تسهیلات IR-26-1405-L0001 از آموزشگاه آزاد مهر در انتظار تصمیم"]
    # Above the programme's threshold, HQ decides: its planner is told, the province's manager is not.
    assert told(world["hq_planner"]) == ["درخواست تسهیلات IR-26-1405-L0002 از آموزشگاه آزاد همسایه در انتظار تصمیم"]
    approved(world, small)
    services.reject(world["hq_planner"], big, reason="توان بازپرداخت کافی نیست")
    assert told(world["institute_manager"]) == ["تسهیلات IR-26-1405-L0001 تصویب شد"]
    assert told(world["neighbour_manager"]) == ["درخواست تسهیلات IR-26-1405-L0002 رد شد"]
    assert told(world["expert"]) == ["تسهیلات IR-26-1405-L0001 تصویب شد", "درخواست تسهیلات IR-26-1405-L0002 رد شد"]
    disbursed(world, fresh(small))
    assert told(world["institute_manager"])[-1] == "تسهیلات IR-26-1405-L0001 به مبلغ 500٬000٬000 ریال پرداخت شد"  # stored text: Latin digits
    for nobody in ("far_manager", "other_manager", "other_expert", "hq_viewer", "head"):
        assert told(world[nobody]) == [], nobody
