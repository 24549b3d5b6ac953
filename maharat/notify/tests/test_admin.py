"""The delivery logs in the admin: superusers only, read only; opt-outs through the same services."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from maharat.notify.models import OptOutChannel, SmsMessage, SmsOptOut

pytestmark = pytest.mark.django_db


def _client(**flags: Any) -> Client:
    user = get_user_model().objects.create_user("admin-" + "-".join(flags), password="a-long-test-password", **flags)
    client = Client()
    client.force_login(user)
    return client


def test_only_superusers_see_the_sms_log() -> None:
    message = SmsMessage.objects.create(phone="09121234567", text="پیام", purpose="t", key="k")
    staff = _client(is_staff=True)
    assert staff.get("/admin/notify/smsmessage/").status_code == 403
    boss = _client(is_staff=True, is_superuser=True)
    response = boss.get("/admin/notify/smsmessage/")
    assert response.status_code == 200 and "09121234567" in response.content.decode()
    # Read only: the change page shows the message but saves nothing.
    page = boss.get(f"/admin/notify/smsmessage/{message.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert boss.post(f"/admin/notify/smsmessage/{message.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SmsMessage.objects.filter(pk=message.pk).exists()


def test_a_superuser_records_an_opt_out_through_the_service() -> None:
    boss = _client(is_staff=True, is_superuser=True)
    response = boss.post("/admin/notify/smsoptout/add/", {"phone": "۰۹۱۲ ۱۲۳ ۴۵۶۷"})
    assert response.status_code == 302
    record = SmsOptOut.objects.get()
    assert (record.phone, record.how) == ("09121234567", OptOutChannel.ADMIN)
    refused = boss.post("/admin/notify/smsoptout/add/", {"phone": "12345"})
    assert refused.status_code == 200 and "شماره همراه باید با ۰۹ شروع شود" in refused.content.decode()
    boss.post(f"/admin/notify/smsoptout/{record.pk}/delete/", {"post": "yes"})
    assert not SmsOptOut.objects.exists()
    from maharat.audit.models import AuditEntry

    assert [e.note for e in AuditEntry.objects.filter(content_type__model="smsoptout").order_by("pk")] == [
        "sms opt-out (admin)", "sms opt-in"]
