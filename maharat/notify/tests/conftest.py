"""Every notify test sends SMS to a file of its own and e-mail to Django's test outbox."""

from __future__ import annotations

from typing import Any

import pytest

from maharat.notify.gateways import FileGateway

HOOK_TOKEN = "hook-token-for-tests-0123456789abcdef"


@pytest.fixture(autouse=True)
def outbox(settings: Any, tmp_path: Any) -> FileGateway:
    settings.SMS_GATEWAY = "file"
    settings.SMS_OUTBOX = tmp_path / "sms"
    settings.SMS_INBOUND_TOKEN = HOOK_TOKEN
    settings.MAHARAT_PUBLIC_URL = "https://maharat.example.ir"
    return FileGateway(settings.SMS_OUTBOX)


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """Run what waits for the commit (the deliveries) as the test's own transaction never commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def make_user(name: str, *, email: str = "", mobile: str = "", sms: bool = False, by_email: bool = True) -> Any:
    from django.contrib.auth import get_user_model

    from maharat.notify.models import ChannelPreference

    user = get_user_model().objects.create_user(name, password="a-long-test-password",
                                                email=email or f"{name}@example.ir")
    # A number given here is taken as proven (its code typed back): test_verify.py tests the proving.
    ChannelPreference.objects.create(user=user, email=by_email, sms=sms, mobile=mobile, verified_mobile=mobile)
    return user
