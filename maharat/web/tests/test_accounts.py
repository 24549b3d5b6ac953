"""Account management and the user's own password, from the attacker's side: a provincial manager neither
sees, creates nor changes an account outside its province, nor gives a role above its own; a center head
manages no account; each write is audited with old and new values; a reset request does not say whether an
account exists; the second factor's key is shown in Base32."""

from __future__ import annotations

import base64
import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from maharat.access import accounts
from maharat.access.models import Account
from maharat.audit.models import AuditAction, AuditEntry
from maharat.factories import make_unit
from maharat.org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db
PASSWORD = "account-password-1"


@pytest.fixture
def places(django_user_model):  # type: ignore[no-untyped-def]
    qazvin = Unit.objects.get(code="IR-26")
    tabriz = Unit.objects.get(code="IR-03")
    qz_center = make_unit(UnitKind.FIXED_CENTER, parent=make_unit(UnitKind.COUNTY, parent=qazvin), name="مرکز قزوین")
    ea_center = make_unit(UnitKind.FIXED_CENTER, parent=make_unit(UnitKind.COUNTY, parent=tabriz), name="مرکز تبریز")

    def account(username: str, role: str, unit: Unit, **extra: object) -> Account:
        user = django_user_model.objects.create_user(username, extra.pop("email", ""), PASSWORD, **extra)
        return Account.objects.create(user=user, role=role, unit=unit)

    return {
        "qazvin": qazvin, "tabriz": tabriz, "qz_center": qz_center, "ea_center": ea_center,
        "planner": account("planner", "hq_planner", Unit.objects.get(code="IR")),
        "manager": account("qz-manager", "provincial_manager", qazvin),
        "other_manager": account("qz-manager-2", "provincial_manager", qazvin),
        "head": account("qz-head", "center_head", qz_center, email="head@example.org"),
        "foreign": account("ea-head", "center_head", ea_center),
        "account": account,
    }


def signed_in(client, account: Account):  # type: ignore[no-untyped-def]
    client.force_login(account.user)
    return client


def password_login(client, username: str, password: str) -> bool:  # type: ignore[no-untyped-def]
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def create_data(unit: Unit, role: str = "trainer", username: str = "new-user") -> dict[str, str]:
    return {"username": username, "first_name": "نام", "last_name": "خانوادگی", "email": "", "role": role,
            "unit": unit.code}


def test_a_provincial_manager_lists_only_its_province(client, places) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, places["manager"])
    html = client.get(reverse("account_list")).content.decode()
    assert "qz-head" in html and "ea-head" not in html
    found = client.get(reverse("account_list"), {"q": "ea-head"})
    assert list(found.context["page_obj"]) == []
    assert client.get(reverse("account_detail", args=[places["foreign"].pk])).status_code == 404
    assert client.get(reverse("account_update", args=[places["foreign"].pk])).status_code == 404
    for action in accounts_actions():
        response = client.post(reverse("account_action", args=[places["foreign"].pk, action]))
        assert response.status_code == 404, action
    places["foreign"].user.refresh_from_db()
    assert places["foreign"].user.is_active


def accounts_actions() -> list[str]:
    return ["deactivate", "reactivate", "reset_two_factor", "temporary_password"]


def test_a_provincial_manager_creates_only_inside_and_below(client, places) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, places["manager"])
    # Outside the province: answered as a code that does not exist.
    response = client.post(reverse("account_create"), create_data(places["ea_center"], username="x1"))
    assert response.status_code == 200 and "واحدی با این کد در حوزه شما نیست." in response.content.decode()
    # A role above its own, or its own rank.
    for role, unit in (("hq_planner", Unit.objects.get(code="IR")), ("hq_viewer", Unit.objects.get(code="IR")),
                       ("provincial_manager", places["qazvin"])):
        response = client.post(reverse("account_create"), create_data(unit, role=role, username=f"x-{role}"))
        assert response.status_code == 200, role
        assert "x-" + role not in [u for u in Account.objects.values_list("user__username", flat=True)]
    # A role at a kind of unit it cannot sit at.
    response = client.post(reverse("account_create"), create_data(places["qazvin"], role="center_head", username="x2"))
    assert response.status_code == 200
    assert not Account.objects.filter(user__username__in=["x1", "x2"]).exists()
    # Inside and below: created, with a temporary password shown once and an audit entry.
    response = client.post(reverse("account_create"), create_data(places["qz_center"]))
    assert response.status_code == 200
    shown = re.search(r'data-testid="temporary-password">.*?<code dir="ltr" class="fs-5">([^<]+)</code>',
                      response.content.decode(), re.S)
    assert shown
    made = Account.objects.get(user__username="new-user")
    assert made.role == "trainer" and made.unit == places["qz_center"]
    entry = AuditEntry.objects.filter(action=AuditAction.PERMISSION, object_id=str(made.pk)).get()
    assert entry.changes["role"] == [None, "trainer"] and entry.changes["unit"] == [None, places["qz_center"].code]
    assert entry.user == places["manager"].user and entry.unit == places["qz_center"]
    assert shown.group(1) not in str(entry.changes)
    # The new user must change the temporary password before anything else.
    client.logout()
    assert password_login(client, "new-user", shown.group(1))
    assert client.get(reverse("trainee_list")).url == reverse("password_change")
    response = client.post(reverse("password_change"), {
        "old_password": shown.group(1), "new_password1": "a-fresh-Pass-2026", "new_password2": "a-fresh-Pass-2026"})
    assert response.status_code == 302
    assert not accounts.must_change_password(made.user)
    assert client.get(reverse("home")).status_code == 200
    assert AuditEntry.objects.filter(note="password changed", user=made.user).exists()


def test_a_provincial_manager_cannot_change_a_peer_or_raise_a_role(client, places) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, places["manager"])
    peer = places["other_manager"]
    assert client.post(reverse("account_action", args=[peer.pk, "deactivate"])).status_code == 403
    assert client.get(reverse("account_update", args=[peer.pk])).status_code == 403
    assert client.post(reverse("account_action", args=[places["manager"].pk, "deactivate"])).status_code == 403
    head = places["head"]
    response = client.post(reverse("account_update", args=[head.pk]), {
        "first_name": "ح", "last_name": "ر", "email": "", "role": "provincial_manager", "unit": places["qazvin"].code})
    assert response.status_code == 200
    head.refresh_from_db()
    assert head.role == "center_head"
    peer.user.refresh_from_db()
    assert peer.user.is_active


def test_a_center_head_manages_no_account(client, places) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, places["head"])
    assert client.get(reverse("account_list")).status_code == 403
    assert client.get(reverse("account_create")).status_code == 403
    assert client.post(reverse("account_create"), create_data(places["qz_center"])).status_code == 403
    assert client.get(reverse("account_detail", args=[places["head"].pk])).status_code == 403
    assert client.post(reverse("account_action", args=[places["manager"].pk, "deactivate"])).status_code == 403
    assert "account_list" not in client.get(reverse("home")).content.decode()
    assert not Account.objects.filter(user__username="new-user").exists()


def test_each_write_is_audited_with_old_and_new_values(client, places) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, places["manager"])
    head = places["head"]
    TOTPDevice.objects.create(user=head.user, name="maharat", confirmed=True)
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    client.post(reverse("account_action", args=[head.pk, "deactivate"]))
    head.user.refresh_from_db()
    assert not head.user.is_active
    client.post(reverse("account_action", args=[head.pk, "reactivate"]))
    client.post(reverse("account_action", args=[head.pk, "reset_two_factor"]))
    assert not TOTPDevice.objects.filter(user=head.user).exists()
    old_hash = head.user.password
    response = client.post(reverse("account_action", args=[head.pk, "temporary_password"]))
    assert 'data-testid="temporary-password"' in response.content.decode()
    head.user.refresh_from_db()
    assert head.user.password != old_hash and accounts.must_change_password(head.user)
    other = make_unit(UnitKind.FIXED_CENTER, parent=places["qz_center"].parent, name="مرکز دیگر")
    client.post(reverse("account_update", args=[head.pk]), {
        "first_name": "حسین", "last_name": "تازه", "email": "h@example.org", "role": "center_head", "unit": other.code})
    entries = list(AuditEntry.objects.filter(pk__gt=before, action=AuditAction.PERMISSION,
                                             object_id=str(head.pk)).order_by("pk"))
    assert [e.note for e in entries] == ["account deactivated", "account reactivated", "two-factor reset",
                                         "temporary password set", "account changed"]
    assert entries[0].changes == {"is_active": [True, False]}
    assert entries[2].changes == {"two_factor": [True, False]}
    assert entries[4].changes["unit"] == [places["qz_center"].code, other.code]
    assert entries[4].changes["last_name"] == ["", "تازه"]
    assert all(e.user == places["manager"].user for e in entries)
    # The trail shows them to the manager.
    trail = client.get(reverse("audit_list"))
    assert trail.status_code == 200 and "account deactivated" in trail.content.decode()


def test_a_deactivated_account_is_signed_out(client, places) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    victim = Client()
    victim.force_login(places["head"].user)
    assert victim.get(reverse("trainee_list")).status_code == 200
    signed_in(client, places["manager"])
    client.post(reverse("account_action", args=[places["head"].pk, "deactivate"]))
    response = victim.get(reverse("trainee_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not password_login(Client(), "qz-head", PASSWORD)


def test_an_hq_planner_manages_every_province(client, places) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, places["planner"])
    assert client.get(reverse("account_detail", args=[places["foreign"].pk])).status_code == 200
    response = client.post(reverse("account_create"), create_data(places["qazvin"], role="provincial_manager",
                                                                  username="new-manager"))
    assert response.status_code == 200
    assert Account.objects.filter(user__username="new-manager", role="provincial_manager").exists()


def test_password_reset_does_not_say_whether_an_account_exists(client, places) -> None:  # type: ignore[no-untyped-def]
    known = client.post(reverse("password_reset"), {"email": "head@example.org"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["head@example.org"]
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", mail.outbox[0].body)
    assert link
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    response = client.post(form.redirect_chain[-1][0], {"new_password1": "a-fresh-Pass-2026",
                                                        "new_password2": "a-fresh-Pass-2026"})
    assert response.status_code == 302 and response.url == reverse("password_reset_complete")
    assert password_login(client, "qz-head", "a-fresh-Pass-2026")
    assert AuditEntry.objects.filter(note="password reset by email", user=places["head"].user).exists()
    # A deactivated account gets no link.
    head = places["head"].user
    head.is_active = False
    head.save()
    mail.outbox.clear()
    client.post(reverse("password_reset"), {"email": "head@example.org"})
    assert mail.outbox == []


def test_the_second_factor_key_is_base32_with_an_otpauth_address(client, places) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, places["manager"])
    html = client.get(reverse("security")).content.decode()
    secret = re.search(r'data-testid="secret">([^<]+)<', html)
    assert secret
    device = TOTPDevice.objects.get(user=places["manager"].user)
    typed = secret.group(1).replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]+", typed)
    assert base64.b32decode(typed + "=" * (-len(typed) % 8)) == device.bin_key
    assert "otpauth://totp/" in html and "<svg" in html
    assert reverse("password_change") in html
