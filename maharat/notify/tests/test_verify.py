"""SMS go only to a number its user has proven to hold (issue 17, and the review's finding: otherwise anyone
could have the platform's official sender write to any number, and lift that number's opt-out)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from maharat.common.persian import normalize_digits
from maharat.notify import services, sms
from maharat.notify.gateways import FileGateway
from maharat.notify.models import ChannelPreference, SmsMessage

from .conftest import make_user

pytestmark = pytest.mark.django_db


def _code(outbox: FileGateway) -> str:
    found = re.search(r"[0-9۰-۹]{6}", outbox.lines()[-1]["text"])
    assert found is not None
    return normalize_digits(found.group(0))


def test_a_new_number_gets_a_code_and_nothing_else_until_it_is_typed_back(outbox: FileGateway, committed: Any) -> None:
    user = make_user("prover")
    with committed():
        services.save_preferences(user, email=False, sms=True, mobile="09121230000")
    assert len(outbox.lines()) == 1 and "کد تأیید" in outbox.lines()[0]["text"]
    with committed():
        services.notify(user, topic="t", title="پیام پیش از تأیید", key="before")
    assert len(outbox.lines()) == 1  # not yet proven: the inbox only
    assert not services.verify_code(user, "000000" if _code(outbox) != "000000" else "111111")
    assert services.verify_code(user, _code(outbox))
    assert ChannelPreference.objects.get(user=user).verified_mobile == "09121230000"
    with committed():
        services.notify(user, topic="t", title="پیام پس از تأیید", key="after")
    assert [line["phone"] for line in outbox.lines()] == ["09121230000", "09121230000"]


def test_a_code_is_tried_five_times_at_most_and_sent_three_times_an_hour(outbox: FileGateway, committed: Any) -> None:
    user = make_user("guesser")
    with committed():
        services.save_preferences(user, email=False, sms=True, mobile="09121230001")
    code = _code(outbox)
    wrong = "123456" if code != "123456" else "654321"
    assert [services.verify_code(user, wrong) for _ in range(5)] == [False] * 5
    assert not services.verify_code(user, code)  # the right one, too late
    with committed():
        assert services.send_code(user) and services.send_code(user)
        assert not services.send_code(user)  # a fourth in the hour is not sent
    assert SmsMessage.objects.filter(purpose="verify_mobile").count() == 3


def test_someone_elses_number_that_opted_out_stays_out_and_gets_no_text_of_the_users(outbox: FileGateway, committed: Any) -> None:
    sms.opt_out("09121112233", "reply")
    attacker = make_user("attacker")
    with committed():
        services.save_preferences(attacker, email=False, sms=True, mobile="09121112233")
        services.notify(attacker, topic="job", title="حساب شما مسدود شد؛ به evil.example بروید", key="lure")
    assert sms.is_opted_out("09121112233")
    assert outbox.lines() == []  # not even the code: the number opted out
    assert SmsMessage.objects.get(purpose="verify_mobile").status == "refused_opted_out"


def test_a_job_notice_is_never_an_sms(outbox: FileGateway, committed: Any) -> None:
    from maharat.jobs import services as jobs
    from maharat.jobs.exports import start_export

    user = make_user("exporter", mobile="09121230002", sms=True)
    with committed():
        start_export(user=user, url="/standards/?format=csv", title="پیام دلخواه کاربر")
        jobs.run_queued()
    assert outbox.lines() == []  # the inbox and e-mail hear of it; SMS carry only the platform's own words


def test_the_opt_out_link_does_not_carry_the_number_readable() -> None:
    import base64

    token = sms.optout_token("09121112233")
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert b"0912" not in raw and "0912" not in token and len(token) < 60
    assert sms.phone_of_token(token) == "09121112233"
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert sms.phone_of_token(tampered) is None and sms.phone_of_token("not-a-token") is None
