"""An application's path to a licence, as the province's desk and board walk it, and the renewal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maharat.audit.models import AuditAction, AuditEntry
from maharat.catalog.models import Cluster
from maharat.factories import TODAY
from maharat.institutes import rules, services
from maharat.institutes.models import (
    Application,
    ApplicationStatus,
    Decision,
    DecisionKind,
    Institute,
    Licence,
    LicenceStatus,
)
from maharat.notify.models import Notification
from maharat.org.models import Unit, UnitKind

from .conftest import data, fresh, inspected

pytestmark = pytest.mark.django_db


def test_a_founder_is_licensed_for_five_years_and_the_institute_joins_the_tree(world: dict[str, Any]) -> None:
    app = inspected(world)
    assert app.tracking_code.startswith("A-26-1405-")
    licence = services.grant(world["manager"], app, reason="تأیید هیأت کارشناسی و اماکن", grade=1)
    unit = licence.institute.unit
    assert (unit.kind, unit.parent_id, unit.name) == (UnitKind.FREE_INSTITUTE, world["county"].pk,
                                                      "آموزشگاه آزاد فناوری فردا")
    assert unit.province_id == world["qazvin"].pk
    # 1405/09/01 to 1410/08/30: five Jalali years less a day.
    assert (licence.issued_on, licence.expires_on) == (TODAY, dt.date(2031, 11, 21))
    assert licence.status == LicenceStatus.ACTIVE and licence.grade == 1 and licence.is_current
    assert sorted(licence.clusters) == sorted([Cluster.ICT, Cluster.INDUSTRY])
    assert licence.number.startswith("L-26-1405-")
    grant = Decision.objects.get(licence=licence)
    assert (grant.kind, grant.board.unit_id, grant.new_expiry) == (DecisionKind.GRANT, world["qazvin"].pk,
                                                                  licence.expires_on)
    assert grant.appeal_until > grant.decided_on
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.GRANTED
    institute = Institute.objects.get(unit=unit)
    assert institute.founder_name == "سمیه رضایی"


def test_each_step_is_audited_with_who_from_and_to(world: dict[str, Any]) -> None:
    app = inspected(world)
    services.grant(world["manager"], app, reason="تأیید")
    steps = list(AuditEntry.objects.filter(object_id=str(app.pk), changes__has_key="status",
                                           content_type__model="application").order_by("pk")
                 .values_list("username", "changes"))
    assert [(who, change["status"]) for who, change in steps] == [
        ("expert", [None, "submitted"]), ("expert", ["submitted", "documents_ok"]), ("expert", ["documents_ok", "inspected"]),
        ("manager", ["inspected", "granted"])]
    assert AuditEntry.objects.filter(action=AuditAction.DECIDE, username="manager").count() == 1


def test_a_returned_application_is_corrected_and_sent_again(world: dict[str, Any]) -> None:
    app = services.apply_new(world["expert"], county=world["county"], data=data())
    services.step(world["expert"], app, "return_for_correction", note="اجاره‌نامه رسمی پیوست نشده است.")
    returned = Application.objects.get(pk=app.pk)
    assert (returned.status, returned.check_note) == (ApplicationStatus.RETURNED, "اجاره‌نامه رسمی پیوست نشده است.")
    services.update_application(world["expert"], returned, data(capacity=30))
    again = services.step(world["expert"], returned, "resubmit")
    assert (again.status, again.capacity) == (ApplicationStatus.SUBMITTED, 30)


def test_returning_without_a_reason_is_refused_and_changes_nothing(world: dict[str, Any]) -> None:
    app = services.apply_new(world["expert"], county=world["county"], data=data())
    with pytest.raises(ValidationError) as err:
        services.step(world["expert"], app, "return_for_correction", note="   ")
    assert "note" in err.value.message_dict
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.SUBMITTED


def test_the_board_cannot_grant_before_the_inspection_nor_after_a_failed_one(world: dict[str, Any]) -> None:
    app = services.apply_new(world["expert"], county=world["county"], data=data())
    with pytest.raises(ValidationError):
        services.grant(world["manager"], app, reason="زودهنگام")
    services.step(world["expert"], app, "accept_documents")
    services.step(world["expert"], app, "record_inspection", note="کارگاه تهویه ندارد.", passed=False)
    with pytest.raises(ValidationError, match="بازدید"):
        services.grant(world["manager"], app, reason="تأیید")
    assert not Licence.objects.filter(institute__unit__name="آموزشگاه آزاد فناوری فردا").exists()
    assert not Unit.objects.filter(name="آموزشگاه آزاد فناوری فردا").exists()


def test_a_refusal_is_a_numbered_decision_at_the_county_that_can_be_appealed(world: dict[str, Any]) -> None:
    app = services.apply_new(world["expert"], county=world["county"], data=data())
    services.refuse(world["manager"], app, reason="مساحت کمتر از حداقل ماده ۶۰")
    decision = Decision.objects.get(application=app)
    assert (decision.kind, decision.unit_id, decision.licence_id) == (DecisionKind.REFUSE, world["county"].pk, None)
    assert decision.number.startswith("D-26-1405-")


def test_the_expert_may_not_decide_and_the_manager_of_another_province_finds_nothing(world: dict[str, Any]) -> None:
    app = inspected(world)
    with pytest.raises(PermissionDenied):
        services.grant(world["expert"], app, reason="تأیید")
    with pytest.raises(PermissionDenied):
        services.grant(world["other_manager"], app, reason="تأیید")
    with pytest.raises(PermissionDenied):
        services.apply_new(world["other_expert"], county=world["county"], data=data())
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.INSPECTED


def test_renewal_adds_five_years_to_the_expiry_and_takes_the_founder_onto_the_record(world: dict[str, Any]) -> None:
    licence = world["licence"]
    # Six months before the end of its term: the window opens.
    Decision.objects.filter(licence=licence).update(new_expiry=TODAY + dt.timedelta(days=100))
    services.recompute(fresh(licence))
    app = services.apply_renewal(world["institute_manager"], institute=licence.institute,
                                 data=data(proposed_name="نام دیگری", clusters=[Cluster.SERVICES]))
    assert app.proposed_name == "آموزشگاه آزاد نمونه"  # a renewal keeps the name
    services.step(world["expert"], app, "accept_documents")
    services.step(world["expert"], app, "record_inspection", note="مطابق", passed=True)
    renewed = services.grant(world["manager"], app, reason="تمدید")
    assert renewed.pk == licence.pk
    assert renewed.expires_on == rules.term_end(TODAY + dt.timedelta(days=101))
    assert Decision.objects.filter(licence=licence, kind=DecisionKind.RENEW).count() == 1
    assert Institute.objects.get(pk=licence.institute_id).founder_name == "سمیه رضایی"


def test_renewal_is_refused_too_early_and_twice(world: dict[str, Any]) -> None:
    licence = world["licence"]
    with pytest.raises(ValidationError, match="شش ماه"):
        services.apply_renewal(world["institute_manager"], institute=licence.institute, data=data())
    Decision.objects.filter(licence=licence).update(new_expiry=TODAY + dt.timedelta(days=30))
    services.recompute(fresh(licence))
    services.apply_renewal(world["institute_manager"], institute=licence.institute, data=data())
    with pytest.raises(ValidationError, match="در جریان"):
        services.apply_renewal(world["institute_manager"], institute=licence.institute, data=data())


def test_an_institute_may_renew_only_its_own_licence(world: dict[str, Any]) -> None:
    neighbour = world["neighbour_licence"]
    Decision.objects.filter(licence=neighbour).update(new_expiry=TODAY + dt.timedelta(days=30))
    with pytest.raises(PermissionDenied):
        services.apply_renewal(world["institute_manager"], institute=neighbour.institute, data=data())
    with pytest.raises(PermissionDenied):  # nor found a new one
        services.apply_new(world["institute_manager"], county=world["county"], data=data())


def test_the_staff_are_told_of_a_new_application_and_the_institute_of_each_decision(world: dict[str, Any]) -> None:
    app = inspected(world)
    assert Notification.objects.filter(recipient=world["expert"], key=f"licensing:application:{app.pk}").exists()
    assert Notification.objects.filter(recipient=world["manager"], key=f"licensing:application:{app.pk}").exists()
    assert not Notification.objects.filter(recipient=world["other_expert"]).exists()
    licence = world["licence"]
    decision = services.decide(world["manager"], licence, services.DecisionData(kind="warning", reason="تذکر"))
    assert Notification.objects.filter(recipient=world["institute_manager"],
                                       key=f"licensing:decision:{decision.pk}").exists()
    assert not Notification.objects.filter(recipient=world["neighbour_manager"],
                                           key=f"licensing:decision:{decision.pk}").exists()


def test_every_field_at_fault_is_named_at_once(world: dict[str, Any]) -> None:
    bad = data(proposed_name="", founder_code="1234567890", founder_mobile="0912", manager_national_code="",
               licence_type="z", clusters=[], address="", postal_code="12", capacity=10**6)
    with pytest.raises(ValidationError) as err:
        services.apply_new(world["expert"], county=world["county"], data=bad)
    assert set(err.value.message_dict) == {"proposed_name", "founder_code", "founder_mobile", "manager_national_code",
                                           "licence_type", "clusters", "address", "postal_code", "capacity"}
    assert not Application.objects.exists()


def test_a_legal_person_founds_with_an_eleven_digit_id(world: dict[str, Any]) -> None:
    app = services.apply_new(world["expert"], county=world["county"],
                             data=data(founder_kind="legal", founder_code="۱۰۱۰۱۲۳۴۵۶۷", founder_name="شرکت مهارت‌آفرین"))
    assert app.founder_code == "10101234567"
    with pytest.raises(ValidationError) as err:
        services.apply_new(world["expert"], county=world["county"], data=data(founder_kind="legal", founder_code="123"))
    assert "founder_code" in err.value.message_dict


@pytest.mark.parametrize("value", ["\x00آموزشگاه", "آموزشگاه\u202eمعکوس", "x" * 201, "خط اول\nخط دوم"])
def test_hostile_names_are_refused(world: dict[str, Any], value: str) -> None:
    with pytest.raises(ValidationError) as err:
        services.apply_new(world["expert"], county=world["county"], data=data(proposed_name=value))
    assert "proposed_name" in err.value.message_dict


def test_arabic_letters_are_stored_persian(world: dict[str, Any]) -> None:
    app = services.apply_new(world["expert"], county=world["county"], data=data(proposed_name="آموزشگاه كيميا"))
    assert Application.objects.get(pk=app.pk).proposed_name == "آموزشگاه کیمیا"
