"""API tokens, tried from the attacker's side: no token without the second factor, failures count towards the
lock-out, expired and revoked keys are refused, nobody lists or revokes what is not theirs to administer,
the key is never kept in clear; and the two-step page does not redirect off-site."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from maharat.access.models import Account
from maharat.access.tokens import ApiToken
from maharat.audit.models import AuditEntry
from maharat.factories import make_unit
from maharat.org.models import Unit

pytestmark = pytest.mark.django_db

PASSWORD = "token-test-pass-1234"
REFUSED = {"error": {"code": "invalid_credentials", "message": (
    "نام کاربری، گذرواژه یا کد یک‌بار مصرف نادرست است. اگر ورود دومرحله‌ای حساب شما فعال است، "
    "کد شش‌رقمی برنامه احراز هویت را در فیلد otp بفرستید.")}}


def person(django_user_model, name: str, role: str = "provincial_expert", unit: Unit | None = None):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(name, password=PASSWORD)
    Account.objects.create(user=user, role=role, unit=unit or Unit.objects.get(code="IR-26"))
    return user


def with_device(user):  # type: ignore[no-untyped-def]
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def code_now(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def not_a_code(device: TOTPDevice) -> str:
    """Six digits the device does not accept now (it accepts the codes of one step either side)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    accepted = set()
    for drift in (-1, 0, 1):
        totp.drift = drift
        accepted.add(f"{totp.token():06d}")
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in accepted)


def obtain(username: str, password: str = PASSWORD, **extra: object):  # type: ignore[no-untyped-def]
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": password, **extra},
                            format="json")


def as_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def failures(username: str) -> int:
    return sum(a.failures_since_start for a in AccessAttempt.objects.filter(username=username))


# Two-step accounts ---------------------------------------------------------------------------------------


def test_a_totp_user_without_a_code_gets_no_token(django_user_model) -> None:  # type: ignore[no-untyped-def]
    user = person(django_user_model, "totp-a")
    with_device(user)
    response = obtain("totp-a")
    assert response.status_code == 400
    assert response.json() == REFUSED
    assert not ApiToken.objects.exists()
    assert failures("totp-a") == 1


def test_a_wrong_code_is_refused_exactly_like_a_wrong_password_and_both_count(django_user_model) -> None:  # type: ignore[no-untyped-def]
    user = person(django_user_model, "totp-b")
    device = with_device(user)
    wrong_code = obtain("totp-b", otp=not_a_code(device))
    wrong_password = obtain("totp-b", password="not-the-password", otp=code_now(device))
    nobody = obtain("no-such-user")
    assert wrong_code.status_code == wrong_password.status_code == nobody.status_code == 400
    assert wrong_code.json() == wrong_password.json() == nobody.json() == REFUSED
    assert not ApiToken.objects.exists()
    assert failures("totp-b") == 2
    assert AuditEntry.objects.filter(action="login_failed", object_repr="totp-b").count() == 2


def test_the_right_code_in_persian_digits_gives_a_token_that_works(django_user_model) -> None:  # type: ignore[no-untyped-def]
    user = person(django_user_model, "totp-c")
    device = with_device(user)
    persian = code_now(device).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    response = obtain("totp-c", otp=persian, name="گزارش‌گیر")
    assert response.status_code == 201, response.json()
    key = response.json()["token"]
    assert key.startswith("mhr_") and len(key) == 44
    token = ApiToken.objects.get(user=user)
    assert token.two_factor and token.name == "گزارش‌گیر"
    assert as_token(key).get("/api/v1/units/").status_code == 200
    # The same code cannot be replayed for a second token.
    assert obtain("totp-c", otp=persian).json() == REFUSED


def test_wrong_codes_lock_the_account_out_even_for_the_right_password_and_code(django_user_model, settings) -> None:  # type: ignore[no-untyped-def]
    user = person(django_user_model, "totp-d")
    device = with_device(user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert obtain("totp-d", otp=not_a_code(device)).json() == REFUSED
    last = obtain("totp-d", otp=not_a_code(device))
    assert last.status_code == 429 and last.json()["error"]["code"] == "locked_out"
    locked = obtain("totp-d", otp=code_now(device))
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "locked_out" and "۱۵ دقیقه" in locked.json()["error"]["message"]
    assert not ApiToken.objects.exists()


def test_a_token_after_failed_attempts_clears_them(django_user_model) -> None:  # type: ignore[no-untyped-def]
    user = person(django_user_model, "totp-e")
    device = with_device(user)
    for _ in range(2):
        assert obtain("totp-e", password="not-the-password").json() == REFUSED
    assert failures("totp-e") == 2
    assert obtain("totp-e", otp=code_now(device)).status_code == 201
    assert failures("totp-e") == 0


def test_a_provincial_manager_obliged_to_use_2fa_without_a_device_gets_no_token(django_user_model, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MAHARAT_REQUIRE_2FA = True
    person(django_user_model, "manager-a", role="provincial_manager")
    response = obtain("manager-a")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "two_factor_setup_required"
    assert "الزامی" in error["message"] and "/accounts/security/" in error["message"]
    assert not ApiToken.objects.exists()
    # A wrong password still gets the common refusal, not the hint that the password was right.
    assert obtain("manager-a", password="nope-nope-nope").json() == REFUSED


def test_a_password_only_token_stops_working_when_2fa_becomes_required(django_user_model, settings) -> None:  # type: ignore[no-untyped-def]
    person(django_user_model, "manager-b", role="provincial_manager")
    key = obtain("manager-b").json()["token"]
    assert as_token(key).get("/api/v1/units/").status_code == 200
    settings.MAHARAT_REQUIRE_2FA = True
    assert as_token(key).get("/api/v1/units/").status_code == 401


def test_turning_2fa_on_revokes_the_password_only_tokens(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    user = person(django_user_model, "expert-2fa")
    key = obtain("expert-2fa").json()["token"]
    client.force_login(user)
    client.get(reverse("security"))
    device = TOTPDevice.objects.get(user=user)
    client.post(reverse("security"), {"token": code_now(device)})
    assert TOTPDevice.objects.get(user=user).confirmed
    assert as_token(key).get("/api/v1/units/").status_code == 401


# Plain accounts, expiry, revocation -----------------------------------------------------------------------


def test_a_plain_user_gets_a_token_for_30_days_and_it_is_audited(django_user_model) -> None:  # type: ignore[no-untyped-def]
    user = person(django_user_model, "plain-a")
    response = obtain("plain-a", name="اکسل")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"token", "id", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at",
                         "active"}
    assert body["prefix"] == body["token"][:12] and body["active"] is True
    token = ApiToken.objects.get(user=user)
    assert dt.timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    assert not token.two_factor
    assert as_token(body["token"]).get("/api/v1/units/").status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    entry = AuditEntry.objects.get(action="create", object_id=str(token.pk))
    assert entry.username == "plain-a" and body["token"] not in str(entry.changes) + entry.note


def test_a_shorter_lifetime_may_be_asked_for_never_a_longer_one(django_user_model) -> None:  # type: ignore[no-untyped-def]
    person(django_user_model, "plain-d")
    short, long = obtain("plain-d", days=1).json(), obtain("plain-d", days=365).json()
    left = {t.pk: t.expires_at - timezone.now() for t in ApiToken.objects.all()}
    assert dt.timedelta(hours=23) < left[short["id"]] <= dt.timedelta(days=1)
    assert dt.timedelta(days=29) < left[long["id"]] <= dt.timedelta(days=30)


def test_an_expired_token_is_401(django_user_model) -> None:  # type: ignore[no-untyped-def]
    person(django_user_model, "plain-b")
    key = obtain("plain-b").json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = as_token(key).get("/api/v1/units/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"


def test_a_revoked_token_is_401_and_the_revocation_is_audited(django_user_model) -> None:  # type: ignore[no-untyped-def]
    person(django_user_model, "plain-c")
    body = obtain("plain-c").json()
    client = as_token(body["token"])
    assert client.delete(f"/api/v1/auth/tokens/{body['id']}/").status_code == 204
    response = client.get("/api/v1/units/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert AuditEntry.objects.filter(action="update", object_id=str(body["id"]), username="plain-c").exists()


def test_made_up_and_malformed_keys_are_401(django_user_model) -> None:  # type: ignore[no-untyped-def]
    for header in ("Token mhr_" + "x" * 40, "Token", "Token a b", "Bearer nothing", "Token ۱۲۳"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        assert client.get("/api/v1/units/").status_code == 401, header


# Who sees and revokes what ---------------------------------------------------------------------------------


def test_the_owner_lists_only_their_own_tokens_and_never_a_full_key(django_user_model) -> None:  # type: ignore[no-untyped-def]
    person(django_user_model, "lister")
    person(django_user_model, "other")
    mine = [obtain("lister", name=f"t{i}").json() for i in range(2)]
    theirs = obtain("other").json()
    response = as_token(mine[0]["token"]).get("/api/v1/auth/tokens/")
    assert response.status_code == 200
    listed = response.json()["results"]
    assert sorted(t["id"] for t in listed) == sorted(t["id"] for t in mine)
    assert {t["prefix"] for t in listed} == {t["token"][:12] for t in mine}
    text = response.content.decode()
    assert all(t["token"] not in text for t in [*mine, theirs])
    assert "token" not in listed[0] and "key_hash" not in listed[0]


def test_another_user_cannot_revoke_someone_elses_token(django_user_model) -> None:  # type: ignore[no-untyped-def]
    person(django_user_model, "victim")
    person(django_user_model, "intruder", unit=make_unit())
    victim = obtain("victim").json()
    intruder = as_token(obtain("intruder").json()["token"])
    response = intruder.delete(f"/api/v1/auth/tokens/{victim['id']}/")
    assert response.status_code == 404
    assert response.json() == intruder.delete("/api/v1/auth/tokens/999999/").json()  # same as a missing one
    assert as_token(victim["token"]).get("/api/v1/units/").status_code == 200
    assert ApiToken.objects.get(pk=victim["id"]).revoked_at is None


def test_a_provincial_manager_revokes_in_its_province_but_not_in_another(django_user_model) -> None:  # type: ignore[no-untyped-def]
    tabriz = make_unit(parent=make_unit("county", parent=Unit.objects.get(code="IR-03"), name="تبریز"), name="مرکز تبریز")
    person(django_user_model, "qazvin-manager", role="provincial_manager")
    person(django_user_model, "qazvin-head", role="center_head", unit=make_unit())
    person(django_user_model, "tabriz-head", role="center_head", unit=tabriz)
    manager = as_token(obtain("qazvin-manager").json()["token"])
    near, far = obtain("qazvin-head").json(), obtain("tabriz-head").json()
    assert manager.delete(f"/api/v1/auth/tokens/{far['id']}/").status_code == 404
    assert as_token(far["token"]).get("/api/v1/units/").status_code == 200
    assert manager.delete(f"/api/v1/auth/tokens/{near['id']}/").status_code == 204
    assert as_token(near["token"]).get("/api/v1/units/").status_code == 401
    entry = AuditEntry.objects.get(action="update", object_id=str(near["id"]))
    assert entry.username == "qazvin-manager" and entry.unit_path.startswith(Unit.objects.get(code="IR-26").path)


def test_an_hq_planner_revokes_anywhere_a_provincial_expert_nowhere_else(django_user_model) -> None:  # type: ignore[no-untyped-def]
    person(django_user_model, "planner-t", role="hq_planner", unit=Unit.objects.get(code="IR"))
    person(django_user_model, "expert-t")  # same province as the owner, but not an administrator
    person(django_user_model, "owner-t", role="center_head", unit=make_unit())
    owner = obtain("owner-t").json()
    expert = as_token(obtain("expert-t").json()["token"])
    assert expert.delete(f"/api/v1/auth/tokens/{owner['id']}/").status_code == 404
    planner = as_token(obtain("planner-t").json()["token"])
    assert planner.delete(f"/api/v1/auth/tokens/{owner['id']}/").status_code == 204


# The account pages -----------------------------------------------------------------------------------------


def test_the_tokens_page_shows_a_new_key_once_then_only_its_prefix(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    user = person(django_user_model, "page-user")
    client.force_login(user)
    assert reverse("api_tokens") in client.get(reverse("security")).content.decode()
    created = client.post(reverse("api_tokens"), {"name": "برنامه حضور"})
    assert created.status_code == 200 and "no-store" in created["Cache-Control"]
    token = ApiToken.objects.get(user=user)
    page = created.content.decode()
    key = page.split('data-testid="new-key"')[1].split("<code")[1].split(">")[1].split("<")[0].strip()
    assert key.startswith(token.prefix) and len(key) == 44
    assert as_token(key).get("/api/v1/units/").status_code == 200
    again = client.get(reverse("api_tokens")).content.decode()
    assert key not in again and token.prefix in again and "برنامه حضور" in again
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 302
    assert as_token(key).get("/api/v1/units/").status_code == 401


def test_the_administrators_page_lists_and_revokes_only_accounts_in_the_province(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    tabriz = make_unit(parent=make_unit("county", parent=Unit.objects.get(code="IR-03"), name="تبریز"), name="مرکز تبریز")
    manager = person(django_user_model, "page-manager", role="provincial_manager")
    person(django_user_model, "page-near", role="center_head", unit=make_unit())
    person(django_user_model, "page-far", role="center_head", unit=tabriz)
    near, far = obtain("page-near").json(), obtain("page-far").json()
    client.force_login(manager)
    page = client.get(reverse("api_tokens_managed")).content.decode()
    assert near["prefix"] in page and "page-near" in page
    assert far["prefix"] not in page and "page-far" not in page
    assert near["token"] not in page
    assert client.post(reverse("api_token_revoke", args=[far["id"]])).status_code == 404
    assert client.post(reverse("api_token_revoke", args=[near["id"]])).status_code == 302
    assert ApiToken.objects.get(pk=near["id"]).revoked_at is not None
    assert ApiToken.objects.get(pk=far["id"]).revoked_at is None


def test_the_administrators_page_is_closed_to_other_roles(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    client.force_login(person(django_user_model, "page-expert"))
    assert client.get(reverse("api_tokens_managed")).status_code == 403


# Storage ---------------------------------------------------------------------------------------------------


def test_the_key_is_not_stored_in_plain_text(django_user_model) -> None:  # type: ignore[no-untyped-def]
    person(django_user_model, "stored")
    key = obtain("stored").json()["token"]
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:12]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")  # noqa: S608
        rows = cursor.fetchall()
        cursor.execute(f"SELECT * FROM {AuditEntry._meta.db_table}")  # noqa: S608
        rows += cursor.fetchall()
    assert rows and not any(key in str(value) for row in rows for value in row)
    assert not any(key[12:20] in str(value) for row in rows for value in row)  # nor any part past the prefix


# The two-step page -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example/x", "http://evil.example@testserver.evil",
                                    "/\\evil.example"])
def test_a_valid_code_does_not_redirect_off_site(client, django_user_model, target) -> None:  # type: ignore[no-untyped-def]
    user = person(django_user_model, "redirected")
    device = with_device(user)
    client.force_login(user)
    response = client.post(f"{reverse('two_factor_verify')}?next={target}", {"token": code_now(device)})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_valid_code_returns_to_a_page_on_this_site(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    user = person(django_user_model, "returned")
    device = with_device(user)
    client.force_login(user)
    bounced = client.get("/units/?q=x")
    assert bounced["Location"] == f"{reverse('two_factor_verify')}?next=%2Funits%2F%3Fq%3Dx"
    response = client.post(bounced["Location"], {"token": code_now(device)})
    assert response["Location"] == "/units/?q=x"
