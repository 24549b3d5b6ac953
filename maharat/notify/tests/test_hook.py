"""The provider's callback (replies and delivery reports) and the public opt-out page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from maharat.notify import sms
from maharat.notify.models import OptOutChannel, SmsMessage, SmsOptOut, SmsStatus

from .conftest import HOOK_TOKEN

pytestmark = pytest.mark.django_db

HOOK = f"/inbox/sms/hook/{HOOK_TOKEN}/"


def _csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("reply", ["لغو", "۱۱", "11", "stop", "STOP", " Stop ", "انصراف", "لغو ۱۱", "لغو۱۱", "لغو.",
                                   "\u200fلغو", "١١"])
def test_a_stop_reply_opts_the_number_out(reply: str) -> None:
    response = _csrf_client().post(HOOK, {"from": "+989121234567", "to": "10008663", "message": reply,
                                          "messageid": "555"})
    assert response.status_code == 200 and response.content == b"opted out"
    record = SmsOptOut.objects.get()
    assert record.phone == "09121234567" and record.how == OptOutChannel.REPLY


@pytest.mark.parametrize("reply", ["سلام", "لغو کنید لطفاً", "111", "", "stopp"])
def test_another_reply_changes_nothing(reply: str) -> None:
    response = _csrf_client().post(HOOK, {"from": "09121234567", "message": reply})
    assert response.status_code == 200 and response.content == b"ignored"
    assert not SmsOptOut.objects.exists()


@pytest.mark.parametrize("token", ["wrong-token", HOOK_TOKEN[:-1], HOOK_TOKEN + "x", "x" * 300])
def test_a_wrong_token_is_not_found_and_opts_nobody_out(token: str) -> None:
    response = _csrf_client().post(f"/inbox/sms/hook/{token}/", {"from": "09121234567", "message": "لغو"})
    assert response.status_code == 404
    assert not SmsOptOut.objects.exists()


def test_without_a_configured_token_the_hook_does_not_exist(settings: Any) -> None:
    settings.SMS_INBOUND_TOKEN = ""
    assert _csrf_client().post("/inbox/sms/hook/x/", {"from": "09121234567", "message": "لغو"}).status_code == 404
    assert not SmsOptOut.objects.exists()


def test_the_hook_takes_only_post() -> None:
    assert _csrf_client().get(HOOK, {"from": "09121234567", "message": "لغو"}).status_code == 405
    assert not SmsOptOut.objects.exists()


def test_a_delivery_report_updates_the_message() -> None:
    message = SmsMessage.objects.create(phone="09121234567", text="پیام", purpose="t", key="k",
                                        status=SmsStatus.SENT, provider_id="8792343")
    response = _csrf_client().post(HOOK, {"messageid": "8792343", "status": "10"})
    assert response.status_code == 200 and response.content == b"updated"
    message.refresh_from_db()
    assert message.status == SmsStatus.DELIVERED and message.delivered_at is not None
    # A late report of an earlier state does not undo a final one.
    _csrf_client().post(HOOK, {"messageid": "8792343", "status": "4"})
    message.refresh_from_db()
    assert message.status == SmsStatus.DELIVERED


def test_a_report_of_an_unknown_message_changes_nothing() -> None:
    message = SmsMessage.objects.create(phone="09121234567", text="پیام", purpose="t", key="k",
                                        status=SmsStatus.SENT, provider_id="1")
    assert _csrf_client().post(HOOK, {"messageid": "2", "status": "11"}).content == b"unchanged"
    assert _csrf_client().post(HOOK, {"messageid": "1", "status": "junk"}).content == b"unchanged"
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT


def test_a_nul_in_the_callback_is_refused() -> None:
    response = _csrf_client().post(HOOK, {"from": "09121234567", "message": "لغو\x00"})
    assert response.status_code == 400 and not SmsOptOut.objects.exists()


# ------------------------------------------------------------------------------------ the public page
def test_the_stop_page_asks_then_opts_out() -> None:
    url = sms.optout_url("09121234567").removeprefix("https://maharat.example.ir")
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200 and not SmsOptOut.objects.exists()  # a GET (a link preview) changes nothing
    html = page.content.decode()
    assert "۰۹۱۲***۴۵۶۷" in html and "09121234567" not in html
    token = page.cookies["csrftoken"].value
    done = client.post(url, {"csrfmiddlewaretoken": token})
    assert done.status_code == 200 and 'data-testid="stopped"' in done.content.decode()
    assert SmsOptOut.objects.get().how == OptOutChannel.PAGE


def test_the_stop_page_needs_the_csrf_token() -> None:
    url = sms.optout_url("09121234567").removeprefix("https://maharat.example.ir")
    assert Client(enforce_csrf_checks=True).post(url).status_code == 403
    assert not SmsOptOut.objects.exists()


@pytest.mark.parametrize("token", ["09121234567", "abc", "ImV2aWwi:forged:sig"])
def test_a_forged_stop_link_is_not_found(token: str) -> None:
    assert Client().get(f"/inbox/sms/stop/{token}/").status_code == 404
    assert Client().post(f"/inbox/sms/stop/{token}/").status_code == 404
    assert not SmsOptOut.objects.exists()


def test_the_stop_page_in_english_has_no_persian(client: Any) -> None:
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = sms.optout_url("09121234567").removeprefix("https://maharat.example.ir")
    html = client.get(url).content.decode()
    assert "0912***4567" in html
    from .test_pages import persian_text_of

    assert persian_text_of(html) == []


def test_only_the_number_itself_lifts_its_opt_out_by_replying_start() -> None:
    sms.opt_out("09121234567", OptOutChannel.REPLY)
    other = _csrf_client().post(HOOK, {"from": "09129999999", "message": "شروع"})
    assert other.content == b"unchanged" and sms.is_opted_out("09121234567")  # another number cannot
    response = _csrf_client().post(HOOK, {"from": "+989121234567", "message": " شروع "})
    assert response.content == b"opted in" and not sms.is_opted_out("09121234567")
