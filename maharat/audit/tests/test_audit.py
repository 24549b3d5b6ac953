"""The audit trail: every write through the platform leaves who/when/where/old/new; nobody edits it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from maharat.access.models import Account
from maharat.audit.models import AuditEntry
from maharat.factories import TraineeFactory, make_unit
from maharat.org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


def test_update_through_a_page_is_recorded_with_old_and_new_values(client_in, user) -> None:  # type: ignore[no-untyped-def]
    trainee = TraineeFactory(last_name="قدیمی")
    data = {
        "national_code": trainee.national_code, "first_name": trainee.first_name, "last_name": "جدید",
        "sex": trainee.sex, "birth_date": "1374/02/15", "residence": "urban", "nationality": "iranian",
        "registered_unit": trainee.registered_unit.code,
    }
    response = client_in.post(reverse("trainee_update", args=[trainee.pk]), data, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="update", object_id=str(trainee.pk))
    assert entry.user == user and entry.username == "planner"
    assert entry.ip_address == "10.1.2.3"
    assert entry.changes["last_name"] == ["قدیمی", "جدید"]
    assert entry.unit == trainee.registered_unit
    page = client_in.get(reverse("trainee_detail", args=[trainee.pk])).content.decode()
    assert "تاریخچه تغییرات" in page and "جدید" in page


def test_create_and_unit_services_are_recorded(client_in) -> None:  # type: ignore[no-untyped-def]
    county = make_unit(UnitKind.COUNTY, name="تاکستان")
    client_in.post(reverse("unit_create"), {"kind": "fixed_center", "name": "مرکز تازه", "parent": county.code, "is_active": "on"})
    unit = Unit.objects.get(name="مرکز تازه")
    entry = AuditEntry.objects.get(action="create", object_id=str(unit.pk))
    assert entry.changes["name"] == [None, "مرکز تازه"]


def test_delete_through_the_write_path_is_recorded(user) -> None:  # type: ignore[no-untyped-def]
    from maharat.access.writes import delete_record

    trainee = TraineeFactory(last_name="حذفی")
    pk = trainee.pk
    delete_record(user=user, instance=trainee)
    entry = AuditEntry.objects.get(action="delete", object_id=str(pk))
    assert entry.changes["last_name"] == ["حذفی", None]


def test_search_by_user_unit_date_and_kind_within_scope(client, django_user_model, user) -> None:  # type: ignore[no-untyped-def]
    from maharat.access.writes import save_record

    qz_trainee = TraineeFactory()
    ea_center = make_unit(UnitKind.FIXED_CENTER, parent=make_unit(UnitKind.COUNTY, parent=Unit.objects.get(code="IR-03"), name="تبریز"))
    ea_trainee = TraineeFactory(registered_unit=ea_center)
    for t in (qz_trainee, ea_trainee):
        t.father_name = "تغییر"
        save_record(user=user, instance=t, persist=lambda t=t: (t.save(), t)[1])
    manager = django_user_model.objects.create_user("qzm", password="audit-test-pass")
    Account.objects.create(user=manager, role="provincial_manager", unit=Unit.objects.get(code="IR-26"))
    client.force_login(manager)
    page = client.get(reverse("audit_list"), {"username": "planner", "since": "1400/01/01"})
    shown = {e.object_id for e in page.context["page_obj"]}
    assert str(qz_trainee.pk) in shown and str(ea_trainee.pk) not in shown
    by_unit = client.get(reverse("audit_list"), {"unit": ea_center.code})
    assert list(by_unit.context["page_obj"]) == []
    future = client.get(reverse("audit_list"), {"since": "1499/01/01"})
    assert list(future.context["page_obj"]) == []


def test_roles_without_audit_access_are_refused(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    expert = django_user_model.objects.create_user("exp", password="audit-test-pass")
    Account.objects.create(user=expert, role="provincial_expert", unit=Unit.objects.get(code="IR-26"))
    client.force_login(expert)
    assert client.get(reverse("audit_list")).status_code == 403


def test_nobody_can_change_or_delete_entries_in_the_admin(client, django_user_model, user) -> None:  # type: ignore[no-untyped-def]
    from maharat.access.writes import save_record

    t = TraineeFactory()
    save_record(user=user, instance=t, persist=lambda: (t.save(), t)[1])
    entry = AuditEntry.objects.first()
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "audit-root-password")
    client.force_login(admin)
    change_url = reverse("admin:audit_auditentry_change", args=[entry.pk])
    page = client.get(change_url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # view only
    client.post(change_url, {"username": "forged"})
    assert client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.username != "forged" and AuditEntry.objects.filter(pk=entry.pk).exists()


def test_sign_ins_are_recorded(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    django_user_model.objects.create_user("signer", password="sign-in-password-1")
    client.post(reverse("login"), {"username": "signer", "password": "wrong"})
    client.post(reverse("login"), {"username": "signer", "password": "sign-in-password-1"})
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "object_repr"))
    assert ("login_failed", "signer") in actions and ("login", "signer") in actions


def test_audit_and_completeness_export_within_scope(client, django_user_model, user) -> None:  # type: ignore[no-untyped-def]
    import io

    from openpyxl import load_workbook

    from maharat.access.writes import save_record

    t = TraineeFactory(last_name="صادراتی")
    save_record(user=user, instance=t, persist=lambda: (t.save(), t)[1])
    client.force_login(user)
    sheet = load_workbook(io.BytesIO(client.get(reverse("audit_list"), {"format": "xlsx"}).content)).active
    assert sheet.sheet_view.rightToLeft and sheet["A1"].value == "زمان"
    assert any("صادراتی" in str(c.value) for c in sheet["F"])
    csv = client.get(reverse("completeness"), {"unit": "IR-26", "year": 1404, "format": "csv"})
    assert csv.content.decode("utf-8-sig").splitlines()[0].startswith("واحد,کد,فروردین")
