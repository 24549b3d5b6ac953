"""The inbox pages from the user's side and the attacker's: one's own messages only, links that stay on this
site, the badge on every page, the channels form with hostile input, and both languages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maharat.notify import services
from maharat.notify.context_processors import inbox as inbox_context
from maharat.notify.models import ChannelPreference, Notification
from maharat.web.tests.test_crawl import LATIN_DIGITS, PERSIAN_LETTERS, read

from .conftest import make_user

pytestmark = pytest.mark.django_db


def persian_text_of(html: str) -> list[str]:
    """Text a reader of an English page would see in Persian (stored Persian marked lang="fa" is not counted)."""
    return [text for _tag, text in read("/", 200, html, "en").text if PERSIAN_LETTERS.search(text)]


def latin_digits_of(html: str) -> list[str]:
    from maharat.common.persian import CODE_SHAPE

    return [text for _tag, text in read("/", 200, html, "fa").text if LATIN_DIGITS.search(CODE_SHAPE.sub(" ", text))]


def _signed_in(user: Any, language: str = "fa") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def alice() -> Any:
    return make_user("alice")


@pytest.fixture
def bob() -> Any:
    return make_user("bob")


def _note(user: Any, key: str, *, title: str = "پیام", url: str = "", read: bool = False, age: int = 0) -> Notification:
    return Notification.objects.create(recipient=user, topic="t", title=title, url=url, key=key,
                                       created_at=timezone.now() - dt.timedelta(minutes=age),
                                       read_at=timezone.now() if read else None)


# ---------------------------------------------------------------------------------------- isolation
def test_the_inbox_needs_signing_in() -> None:
    for url in ("/inbox/", "/inbox/1/", "/inbox/channels/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


def test_each_user_sees_only_their_own_messages(alice: Any, bob: Any) -> None:
    _note(alice, "a", title="پیام آلیس")
    _note(bob, "b", title="پیام باب")
    html = _signed_in(alice).get("/inbox/").content.decode()
    assert "پیام آلیس" in html and "پیام باب" not in html


def test_another_users_message_cannot_be_opened_or_marked_read(alice: Any, bob: Any) -> None:
    theirs = _note(bob, "b", url="/training/")
    client = _signed_in(alice)
    assert client.get(f"/inbox/{theirs.pk}/").status_code == 404
    assert client.post(f"/inbox/{theirs.pk}/read/").status_code == 404
    assert client.post(f"/inbox/{theirs.pk}/read/", HTTP_HX_REQUEST="true").status_code == 404
    assert client.post("/inbox/read-all/").status_code == 302
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # The answer for another user's message is the answer for one that does not exist.
    assert client.get("/inbox/999999/").status_code == 404


def test_marking_read_is_post_only(alice: Any) -> None:
    mine = _note(alice, "a")
    client = _signed_in(alice)
    assert client.get(f"/inbox/{mine.pk}/read/").status_code == 405
    assert client.get("/inbox/read-all/").status_code == 405
    mine.refresh_from_db()
    assert mine.read_at is None


# -------------------------------------------------------------------------------------- opening
def test_opening_marks_read_and_goes_to_the_record(alice: Any) -> None:
    mine = _note(alice, "a", url="/training/runs/?q=1")
    response = _signed_in(alice).get(f"/inbox/{mine.pk}/")
    assert response.status_code == 302 and response["Location"] == "/training/runs/?q=1"
    mine.refresh_from_db()
    assert mine.read_at is not None


@pytest.mark.parametrize("url", ["//evil.com/", "https://evil.com/", "http://evil.com", "javascript:alert(1)",
                                 "/\\evil.com", "\\\\evil.com", "/\t/evil.com", "evil.com", " //evil.com"])
def test_opening_never_leaves_the_site(url: str, alice: Any) -> None:
    """Even a link written straight into the table (not through notify, which refuses it already)."""
    mine = _note(alice, "a", url=url)
    response = _signed_in(alice).get(f"/inbox/{mine.pk}/")
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_a_message_without_a_link_opens_back_to_the_inbox(alice: Any) -> None:
    mine = _note(alice, "a")
    response = _signed_in(alice).get(f"/inbox/{mine.pk}/", follow=True)
    assert response.redirect_chain[-1][0] == "/inbox/"
    assert "این پیام به صفحه دیگری پیوند ندارد." in response.content.decode()


# -------------------------------------------------------------------------------------- reading
def test_unread_messages_come_first_then_the_newest(alice: Any) -> None:
    _note(alice, "old-unread", title="کهنه خوانده‌نشده", age=60)
    _note(alice, "new-read", title="تازه خوانده‌شده", read=True, age=1)
    _note(alice, "new-unread", title="تازه خوانده‌نشده", age=5)
    _note(alice, "old-read", title="کهنه خوانده‌شده", read=True, age=90)
    html = _signed_in(alice).get("/inbox/").content.decode()
    order = [html.index(t) for t in ("تازه خوانده‌نشده", "کهنه خوانده‌نشده", "تازه خوانده‌شده", "کهنه خوانده‌شده")]
    assert order == sorted(order)


def test_the_inbox_is_paginated(alice: Any, settings: Any) -> None:
    settings.MAHARAT_PAGE_SIZE = 5
    for i in range(12):
        _note(alice, f"k{i}", title=f"پیام شماره {i}", age=i)
    client = _signed_in(alice)
    first, last = client.get("/inbox/").content.decode(), client.get("/inbox/?page=3").content.decode()
    assert first.count('data-testid="note"') == 5 and last.count('data-testid="note"') == 2
    assert "صفحه ۱ از ۳" in first


def test_mark_one_read_without_javascript(alice: Any) -> None:
    mine, other = _note(alice, "a"), _note(alice, "b")
    response = _signed_in(alice).post(f"/inbox/{mine.pk}/read/", {"page": "2"})
    assert response.status_code == 302 and response["Location"] == "/inbox/?page=2"
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None and other.read_at is None


def test_mark_one_read_with_htmx_returns_the_row_and_the_new_badge(alice: Any) -> None:
    mine, _other = _note(alice, "a"), _note(alice, "b")
    response = _signed_in(alice).post(f"/inbox/{mine.pk}/read/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and f'id="note-{mine.pk}"' in html and 'data-unread="0"' in html
    assert 'hx-swap-oob="true"' in html and "۱ پیام خوانده‌نشده" in html
    assert "<nav" not in html  # only the fragments


def test_mark_all_read(alice: Any, bob: Any) -> None:
    for i in range(3):
        _note(alice, f"a{i}")
    _note(bob, "b")
    response = _signed_in(alice).post("/inbox/read-all/", follow=True)
    assert "۳ پیام خوانده شد." in response.content.decode()
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=bob, read_at__isnull=True).count() == 1


# -------------------------------------------------------------------------------------- the badge
def test_the_badge_shows_the_unread_count_on_every_page(alice: Any) -> None:
    for i in range(3):
        _note(alice, f"a{i}")
    _note(alice, "read", read=True)
    html = _signed_in(alice).get("/").content.decode()
    start = html.index('data-testid="inbox-badge"')
    badge = html[html.rindex("<a", 0, start):html.index("</a>", start)]
    assert 'href="/inbox/"' in badge and ">۳</span>" in badge
    assert '<span class="visually-hidden">۳ پیام خوانده‌نشده</span>' in badge


def test_no_badge_number_without_unread_messages(alice: Any) -> None:
    _note(alice, "read", read=True)
    html = _signed_in(alice).get("/").content.decode()
    assert 'data-testid="inbox-badge"' in html and "پیام خوانده‌نشده" not in html


def test_the_badge_costs_one_count_query_and_none_for_a_visitor(alice: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    _note(alice, "a")
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as queries:
        assert inbox_context(request) == {}
    assert len(queries) == 0
    request.user = alice
    with CaptureQueriesContext(connection) as queries:
        badge: Any = inbox_context(request)["inbox"]
        assert badge.unread == 1 and badge.unread == 1
    assert len(queries) == 1 and "COUNT" in queries[0]["sql"].upper()


def test_a_rendered_page_counts_the_inbox_once(alice: Any) -> None:
    _note(alice, "a")
    client = _signed_in(alice)
    with CaptureQueriesContext(connection) as queries:
        client.get("/inbox/")  # the page asks for the count too (the "mark all" button): still one query
    counts = [q["sql"] for q in queries if "notify_notification" in q["sql"] and "COUNT" in q["sql"].upper()
              and "read_at" in q["sql"] and "IS NULL" in q["sql"].upper()]
    assert len(counts) == 1


def test_a_visitor_sees_no_badge() -> None:
    html = Client().get("/accounts/login/").content.decode()
    assert 'data-testid="inbox-badge"' not in html


# ------------------------------------------------------------------------------------ the channels page
def _post_channels(client: Client, **data: str) -> Any:
    return client.post("/inbox/channels/", {"email": "on", **data}, follow=True)


@pytest.mark.parametrize("written", ["۰۹۱۲۱۲۳۴۵۶۷", "٠٩١٢١٢٣٤٥٦٧", "+98 912 123 4567", "09121234567"])
def test_the_mobile_number_is_taken_in_any_digits(written: str, alice: Any) -> None:
    response = _post_channels(_signed_in(alice), sms="on", mobile=written)
    assert "روش دریافت پیام‌ها ذخیره شد." in response.content.decode()
    choice = ChannelPreference.objects.get(user=alice)
    assert (choice.sms, choice.mobile, choice.email) == (True, "09121234567", True)


@pytest.mark.parametrize(("mobile", "message"), [
    ("0912123", "شماره همراه باید با ۰۹ شروع شود و یازده رقم باشد"),
    ("۰۲۱۱۲۳۴۵۶۷۸", "شماره همراه باید با ۰۹ شروع شود و یازده رقم باشد"),
    ("9" * 10_000, "شماره همراه بیش از حد طولانی است."),
    ("=HYPERLINK(\"x\")", "شماره همراه باید با ۰۹ شروع شود و یازده رقم باشد"),
    ("0912\x07123\x1b4567", "شماره همراه باید با ۰۹ شروع شود و یازده رقم باشد"),
    ("", "برای دریافت پیامک، شماره همراه را وارد کنید."),
])
def test_a_bad_mobile_number_is_refused_naming_the_field_and_nothing_is_saved(mobile: str, message: str) -> None:
    user = make_user("carol")
    ChannelPreference.objects.filter(user=user).update(email=False, sms=False, mobile="")
    html = _post_channels(_signed_in(user), sms="on", mobile=mobile).content.decode()
    assert "شماره همراه: " + message in html  # the summary names the field
    assert (ChannelPreference.objects.filter(user=user).values_list("email", "sms", "mobile").get()
            == (False, False, ""))


def test_a_nul_in_the_form_is_refused_before_anything_is_saved(alice: Any) -> None:
    response = _signed_in(alice).post("/inbox/channels/", {"sms": "on", "mobile": "0912\x001234567"})
    assert response.status_code == 400 and "NUL" in response.content.decode()
    assert ChannelPreference.objects.get(user=alice).sms is False


def test_turning_channels_off(alice: Any) -> None:
    services.save_preferences(alice, email=True, sms=True, mobile="09121234567")
    _signed_in(alice).post("/inbox/channels/", {"mobile": "09121234567"})
    choice = ChannelPreference.objects.get(user=alice)
    assert (choice.email, choice.sms, choice.mobile) == (False, False, "09121234567")


def test_email_cannot_be_chosen_without_an_address() -> None:
    user = make_user("noaddress")
    user.email = ""
    user.save()
    client = _signed_in(user)
    assert "حساب شما نشانی ایمیل ندارد" in client.get("/inbox/channels/").content.decode()
    client.post("/inbox/channels/", {"email": "on"})
    assert ChannelPreference.objects.get(user=user).email is False


def test_changing_channels_is_audited(alice: Any) -> None:
    from maharat.audit.models import AuditEntry

    _post_channels(_signed_in(alice), sms="on", mobile="09121234567")
    entry = AuditEntry.objects.get(user=alice, content_type__model="channelpreference")
    assert entry.changes["mobile"] == ["", "09121234567"] and entry.changes["sms"] == [False, True]


# -------------------------------------------------------------------------------------- languages
def test_the_persian_pages_show_persian_digits(alice: Any) -> None:
    for i in range(3):
        _note(alice, f"a{i}", title=f"مهلت گزارش ماه {i + 8} فردا است", url="/approval/")
    client = _signed_in(alice)
    for url in ("/inbox/", "/inbox/channels/"):
        assert latin_digits_of(client.get(url).content.decode()) == [], url


def test_the_english_pages_have_no_persian_left(alice: Any) -> None:
    services.notify(alice, topic="deadline", title="مهلت گزارش آبان فردا است", body="لطفاً ارسال کنید.", key="k")
    services.notify(alice, topic="deadline", title="پیام دوم", key="k2")
    client = _signed_in(alice, "en")
    inbox = client.get("/inbox/").content.decode()
    assert "Messages" in inbox and "2 unread messages" in inbox
    assert persian_text_of(inbox) == []
    channels = client.get("/inbox/channels/").content.decode()
    assert "How you receive messages" in channels and persian_text_of(channels) == []
    refused = client.post("/inbox/channels/", {"sms": "on", "mobile": "123"}).content.decode()
    assert "Mobile number" in refused and persian_text_of(refused) == []
    done = client.post("/inbox/read-all/", follow=True).content.decode()
    assert "2 messages marked read." in done and persian_text_of(done) == []
