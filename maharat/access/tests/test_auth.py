"""Sign-in hardening: Argon2, lock-out, TOTP second factor, secure production settings, CSP."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.urls import reverse

from maharat.access.models import Account
from maharat.org.models import Unit

pytestmark = pytest.mark.django_db


def test_argon2_is_the_password_hasher() -> None:
    from maharat.config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_repeated_failures_lock_the_account_out(client, django_user_model, settings) -> None:  # type: ignore[no-untyped-def]
    django_user_model.objects.create_user("target", password="the-right-password-1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "target", "password": "guess"})
    response = client.post(reverse("login"), {"username": "target", "password": "the-right-password-1"})
    assert response.status_code == 429
    assert "۱۵ دقیقه" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_two_factor_is_required_for_hq_planners_when_switched_on(client, django_user_model, settings) -> None:  # type: ignore[no-untyped-def]
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.MAHARAT_REQUIRE_2FA = True
    user = django_user_model.objects.create_user("planner2", password="planner-password-1")
    Account.objects.create(user=user, role="hq_planner", unit=Unit.objects.get(code="IR"))
    client.post(reverse("login"), {"username": "planner2", "password": "planner-password-1"})
    assert client.get(reverse("trainee_list"))["Location"] == reverse("security")
    page = client.get(reverse("security"))
    assert "<svg" in page.content.decode()  # the QR code, drawn locally
    device = TOTPDevice.objects.get(user=user)
    token = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
    client.post(reverse("security"), {"token": f"{token:06d}"})
    assert client.get(reverse("trainee_list")).status_code == 200
    # Next sign-in asks for the code before anything else.
    client.logout()
    client.post(reverse("login"), {"username": "planner2", "password": "planner-password-1"})
    assert client.get(reverse("trainee_list"))["Location"].startswith(reverse("two_factor_verify"))
    wrong = client.post(reverse("two_factor_verify"), {"token": "000000" if token else "111111"})
    assert "کد درست نیست" in wrong.content.decode()


def test_other_roles_are_not_forced(client, django_user_model, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MAHARAT_REQUIRE_2FA = True
    user = django_user_model.objects.create_user("expert2", password="expert-password-1")
    Account.objects.create(user=user, role="provincial_expert", unit=Unit.objects.get(code="IR-26"))
    client.force_login(user)
    assert client.get(reverse("trainee_list")).status_code == 200


def test_pages_carry_a_content_security_policy(client) -> None:  # type: ignore[no-untyped-def]
    header = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in header and "script-src 'self'" in header
    assert "unsafe-inline" not in header


def test_production_settings_pass_the_deploy_check() -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "maharat.config.settings.production",
        "SECRET_KEY": "x7" * 30 + "-not-a-real-secret-but-long-and-varied-QWERTY",
        "ALLOWED_HOSTS": "maharat.example.ir",
    }
    result = subprocess.run(
        [sys.executable, "-m", "maharat.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_behind_the_proxy_an_attacker_locks_out_only_their_own_address(client, django_user_model, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MAHARAT_TRUST_X_FORWARDED_FOR = True
    django_user_model.objects.create_user("target2", password="the-right-password-1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "target2", "password": "guess"}, HTTP_X_FORWARDED_FOR="203.0.113.9")
    attacker = client.post(reverse("login"), {"username": "target2", "password": "the-right-password-1"},
                           HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert attacker.status_code == 429
    owner = client.post(reverse("login"), {"username": "target2", "password": "the-right-password-1"},
                        HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert owner.status_code == 302
