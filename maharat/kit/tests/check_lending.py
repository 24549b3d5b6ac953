"""Run by test_new_domain.py with settings.py (the platform plus the lending app): what a new domain gets from
its own folder alone. Expectations are written here by hand."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from rest_framework.test import APIClient

from maharat.access import checks, records
from maharat.access.models import Account
from maharat.audit.models import AuditAction, AuditEntry
from maharat.factories import make_unit
from maharat.kit.tests.lending.models import EquipmentLoan
from maharat.org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


def _center(province: str) -> Unit:
    return make_unit(UnitKind.FIXED_CENTER, parent=make_unit(UnitKind.COUNTY, parent=Unit.objects.get(code=province)))


def _signed_in(client, django_user_model, role: str, unit: Unit):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(f"l-{role}-{unit.code}", password="lending-pass-1")
    Account.objects.create(user=user, role=role, unit=unit)
    client.force_login(user)
    return user


def _trail(loan: EquipmentLoan) -> list[AuditEntry]:
    ct = ContentType.objects.get_for_model(EquipmentLoan)
    return list(AuditEntry.objects.filter(content_type=ct, object_id=str(loan.pk)).order_by("id"))


def test_the_list_is_scoped_and_roles_without_the_kind_are_refused(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = _center("IR-26"), _center("IR-03")
    EquipmentLoan.objects.create(code="L-MINE", item="فرز", quantity=2, unit=mine)
    EquipmentLoan.objects.create(code="L-THEIRS", item="تراش", quantity=1, unit=theirs)
    _signed_in(client, django_user_model, "center_head", mine)
    page = client.get(reverse("equipmentloan_list")).content.decode()
    assert "L-MINE" in page and "L-THEIRS" not in page
    other = EquipmentLoan.objects.get(code="L-THEIRS")
    assert client.get(reverse("equipmentloan_detail", args=[other.pk])).status_code == 404
    client.logout()
    _signed_in(client, django_user_model, "institute_manager", make_unit(UnitKind.FREE_INSTITUTE, parent=mine.parent))
    assert client.get(reverse("equipmentloan_list")).status_code == 403


def test_a_page_write_is_audited_and_a_foreign_unit_is_refused(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = _center("IR-26"), _center("IR-03")
    _signed_in(client, django_user_model, "center_head", mine)
    client.post(reverse("equipmentloan_create"), {"code": "L-1", "item": "جوش", "quantity": "۳", "unit": mine.code})
    loan = EquipmentLoan.objects.get(code="L-1")
    assert loan.quantity == 3  # Persian digits in a number field
    [entry] = _trail(loan)
    assert entry.action == AuditAction.CREATE and entry.unit == mine
    refused = client.post(reverse("equipmentloan_create"), {"code": "L-2", "item": "جوش", "quantity": "1",
                                                            "unit": theirs.code})
    assert refused.status_code == 200 and not EquipmentLoan.objects.filter(code="L-2").exists()


def test_api_writes_go_through_the_write_path(django_user_model) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = _center("IR-26"), _center("IR-03")
    user = django_user_model.objects.create_user("l-api", password="lending-pass-1")
    Account.objects.create(user=user, role="provincial_manager", unit=Unit.objects.get(code="IR-26"))
    api = APIClient()
    api.force_authenticate(user)
    made = api.post("/api/v1/equipment-loans/", {"code": "L-API", "item": "دریل", "quantity": 4, "unit": mine.code},
                    format="json")
    assert made.status_code == 201, made.content
    loan = EquipmentLoan.objects.get(code="L-API")
    changed = api.patch(f"/api/v1/equipment-loans/{loan.pk}/", {"quantity": 5}, format="json")
    assert changed.status_code == 200
    assert [e.action for e in _trail(loan)] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert _trail(loan)[1].changes["quantity"] == [4, 5]
    foreign = api.post("/api/v1/equipment-loans/", {"code": "L-X", "item": "دریل", "quantity": 1,
                                                    "unit": theirs.code}, format="json")
    assert foreign.status_code in (400, 403) and not EquipmentLoan.objects.filter(code="L-X").exists()
    EquipmentLoan.objects.create(code="L-EA", item="اره", quantity=1, unit=theirs)
    listed = {row["code"] for row in api.get("/api/v1/equipment-loans/").json()["results"]}
    assert listed == {"L-API"}


def test_an_import_is_scoped_and_audited_per_record(django_user_model) -> None:  # type: ignore[no-untyped-def]
    import csv
    import io

    from maharat.exchange.services import start_import

    mine, theirs = _center("IR-26"), _center("IR-03")
    user = django_user_model.objects.create_user("l-import", password="lending-pass-1")
    Account.objects.create(user=user, role="center_head", unit=mine)

    def sheet(*rows: list[str]) -> bytes:
        out = io.StringIO()
        csv.writer(out).writerows([["کد امانت", "تجهیزات", "تعداد", "کد واحد امانت‌دهنده"], *rows])
        return out.getvalue().encode()

    refused = start_import(user=user, kind="equipment_loans", file_name="l.csv", dry_run=False, background=False,
                           data=sheet(["L-IMP-1", "فرز", "۲", mine.code], ["L-IMP-2", "فرز", "1", theirs.code]))
    # A row for another province's unit is refused like an unknown code, and nothing of the file is written.
    assert refused.problems and refused.problems[0]["row"] == 3
    assert not EquipmentLoan.objects.filter(code__startswith="L-IMP").exists()
    done = start_import(user=user, kind="equipment_loans", file_name="l.csv", dry_run=False, background=False,
                        data=sheet(["L-IMP-1", "فرز", "۲", mine.code], ["L-IMP-3", "تراش", "4", mine.code]))
    assert not done.problems
    loans = {loan.code: loan for loan in EquipmentLoan.objects.filter(code__startswith="L-IMP")}
    assert {c: loan.quantity for c, loan in loans.items()} == {"L-IMP-1": 2, "L-IMP-3": 4}
    assert [e.action for e in _trail(loans["L-IMP-1"])] == [AuditAction.CREATE]
    assert [e.action for e in _trail(loans["L-IMP-3"])] == [AuditAction.CREATE]


def test_the_menu_offers_it_to_the_roles_it_declared(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    center = _center("IR-26")
    _signed_in(client, django_user_model, "center_head", center)
    assert f'href="{reverse("equipmentloan_list")}"' in client.get(reverse("home")).content.decode()
    client.logout()
    _signed_in(client, django_user_model, "provincial_expert", Unit.objects.get(code="IR-26"))
    assert f'href="{reverse("equipmentloan_list")}"' not in client.get(reverse("home")).content.decode()


def test_start_up_refuses_the_model_once_its_declaration_is_gone(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert checks.every_unit_record_is_declared() == []
    monkeypatch.delitem(records._records, EquipmentLoan)
    errors = checks.every_unit_record_is_declared()
    assert [e.id for e in errors] == ["maharat.E002"] and "lending.EquipmentLoan" in errors[0].msg
