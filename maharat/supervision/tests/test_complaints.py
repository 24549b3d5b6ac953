"""Complaints from the public: the form (no sign-in), its tracking code, routing to the province with a deadline
in working days, the province's steps, the rate limit, and hostile input refused field by field in Persian."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from maharat.audit.models import AuditEntry
from maharat.factories import TODAY
from maharat.notify.models import Notification, SmsMessage
from maharat.supervision.models import Complaint
from maharat.supervision.services import complaints as services

from .conftest import complaint_about

pytestmark = [pytest.mark.django_db, pytest.mark.unlicensed]

TEN_WORKING_DAYS = dt.date(2026, 12, 3)  # from Sunday 1405/09/01 (test_visits.py counts them)


def form(world: dict[str, Any], **changes: str) -> dict[str, str]:
    values = {"province": "IR-26", "institute": world["institute"].code, "complainant_kind": "trainee",
              "category": "fees", "description": "شهریه دوره دو برابر تعرفه مصوب گرفته شد.", "name": "مریم احمدی",
              "mobile": "۰۹۱۲۱۲۳۴۵۶۷", "sms_consent": "on"}
    values.update(changes)
    return values


def test_the_form_lists_the_provinces_licensed_institutes(world: dict[str, Any]) -> None:
    anon = Client()
    assert anon.get(reverse("complaint_public")).status_code == 200
    page = anon.get(reverse("complaint_public"), {"province": "IR-26"}).content.decode()
    assert world["institute"].code in page and world["neighbour"].code in page
    assert world["far"].code not in page and world["center"].code not in page
    chosen = anon.get(reverse("complaint_public"), {"institute": world["far"].code}).content.decode()
    assert f'value="{world["far"].code}" selected' in chosen  # from the institute's own public page


def test_a_complaint_is_routed_to_the_province_and_tracked_by_its_code(world: dict[str, Any]) -> None:
    anon = Client()
    response = anon.post(reverse("complaint_public"), form(world))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert response["Location"] == reverse("complaint_track_code", args=[complaint.tracking_code]) + "?new=1"
    assert (complaint.province, complaint.institute, complaint.status) == (world["qazvin"], world["institute"],
                                                                          "received")
    assert complaint.mobile == "09121234567" and complaint.sms_consent and complaint.due == TEN_WORKING_DAYS
    assert len(complaint.tracking_code) == 10 and complaint.tracking_code.isalnum()
    assert set(Notification.objects.filter(key=f"complaint:{complaint.pk}:received")
               .values_list("recipient__username", flat=True)) == {"manager"}
    assert SmsMessage.objects.filter(key=f"complaint:{complaint.pk}:received", phone="09121234567").exists()
    entry = AuditEntry.objects.get(content_type__model="complaint", action="create")
    assert entry.user is None and entry.unit == world["qazvin"]
    page = anon.get(response["Location"]).content.decode()
    assert complaint.tracking_code in page and "دریافت‌شده" in page
    for secret in ("مریم", "دو برابر تعرفه", "0912"):
        assert secret not in page
    # Typed back in lower case, with a dash, from the phone: the same complaint.
    code = complaint.tracking_code
    typed = anon.get(reverse("complaint_track"), {"code": f"{code[:5].lower()}-{code[5:]}"})
    assert typed.context["complaint"] == complaint
    assert anon.get(reverse("complaint_track"), {"code": "AAAAAAAAAA"}).context["complaint"] is None


def test_the_provinces_steps(world: dict[str, Any]) -> None:
    c = complaint_about(world)
    with pytest.raises(ValidationError) as refused:  # answered only once its handling has started
        services.step(world["manager"], c, "respond", "پاسخ زودهنگام")
    assert "دریافت‌شده" in refused.value.messages[0]
    assert Complaint.objects.get(pk=c.pk).status == "received"
    c = services.step(world["manager"], c, "start")
    assert c.status == "in_progress" and c.handled_by == world["manager"]
    with pytest.raises(ValidationError):
        services.step(world["manager"], c, "respond", "  ")
    c = services.step(world["manager"], c, "respond", "شهریه مازاد به کارآموز بازگردانده شد.")
    assert (c.status, c.disclosed_to) == ("answered", world["institute"])
    assert SmsMessage.objects.filter(key=f"complaint:{c.pk}:settled").exists()
    assert Notification.objects.filter(key=f"complaint:{c.pk}:settled", recipient=world["institute_manager"]).exists()
    with pytest.raises(ValidationError):
        services.step(world["manager"], c, "reject", "دیگر نه")
    page = Client().get(reverse("complaint_track_code", args=[c.tracking_code])).content.decode()
    assert "شهریه مازاد به کارآموز بازگردانده شد" in page
    unfounded = services.step(world["manager"], complaint_about(world, category="safety"), "reject",
                              "در بازدید سرزده کارگاه ایمن بود.")
    assert unfounded.status == "rejected"


def test_an_overdue_complaint_is_marked_in_the_list(world: dict[str, Any]) -> None:
    late = complaint_about(world)
    Complaint.objects.filter(pk=late.pk).update(due=TODAY - dt.timedelta(days=1))
    on_time = complaint_about(world, category="safety")
    c = Client()
    c.force_login(world["manager"])
    listed = set(c.get(reverse("complaint_list"), {"overdue": "yes"}).context["object_list"])
    assert listed == {Complaint.objects.get(pk=late.pk)} and on_time not in listed
    assert "روز کاری گذشته" in c.get(late.get_absolute_url()).content.decode()


def test_the_province_is_reminded_of_an_overdue_complaint_once(world: dict[str, Any]) -> None:
    from maharat.supervision import reminders

    late = complaint_about(world)
    later = complaint_about(world, category="safety")
    Complaint.objects.filter(pk=later.pk).update(due=TEN_WORKING_DAYS + dt.timedelta(days=10))  # still in time
    assert reminders.run(TEN_WORKING_DAYS) == 0
    assert reminders.run(TEN_WORKING_DAYS + dt.timedelta(days=1)) == 1
    assert reminders.run(TEN_WORKING_DAYS + dt.timedelta(days=2)) == 0
    assert Notification.objects.get(key=f"complaint:{late.pk}:overdue").recipient == world["manager"]


def test_the_form_is_rate_limited_per_address(world: dict[str, Any]) -> None:
    anon = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(5):
        assert anon.post(reverse("complaint_public"), form(world, description=f"شکایت شماره {i}")).status_code == 302
    assert anon.post(reverse("complaint_public"), form(world)).status_code == 429
    assert Complaint.objects.count() == 5
    other = Client(REMOTE_ADDR="203.0.113.10")
    assert other.post(reverse("complaint_public"), form(world)).status_code == 302


def test_the_tracking_page_is_rate_limited(world: dict[str, Any]) -> None:
    anon = Client(REMOTE_ADDR="203.0.113.20")
    statuses = [anon.get(reverse("complaint_track"), {"code": f"GUESS{i:05d}"}).status_code for i in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429


@pytest.mark.parametrize(("field", "value", "named"), [
    ("description", "شکایت \u202eپنهان", "«شرح شکایت» نویسه کنترلی"),
    ("description", "ش" * 3001, "«شرح شکایت» حداکثر ۳۰۰۰ نویسه است."),
    ("description", "=HYPERLINK(\"http://x\")", "«شرح شکایت» نمی‌تواند با یکی از نشانه‌های"),
    ("description", "", "«شرح شکایت» را بنویسید."),
    ("name", "@SUM(A1)", "«نام و نام خانوادگی» نمی‌تواند با یکی از نشانه‌های"),
    ("name", "مریم\x07", "«نام و نام خانوادگی» نویسه کنترلی"),
    ("mobile", "12345", "شماره همراه باید با ۰۹ شروع شود"),
    ("category", "<script>", "category"),
    ("institute", "IR-26-01-C0001", "institute"),
])
def test_hostile_values_are_refused_naming_the_field(world: dict[str, Any], field: str, value: str,
                                                    named: str) -> None:
    response = Client().post(reverse("complaint_public"), form(world, **{field: value}))
    assert response.status_code == 200 and not Complaint.objects.exists()
    assert field in response.context["form"].errors
    if not named.isascii():
        assert named in response.content.decode()


def test_every_field_at_fault_is_named_at_once(world: dict[str, Any]) -> None:
    response = Client().post(reverse("complaint_public"), form(
        world, description="+cmd", name="=1+1", mobile="0912", complainant_kind="", sms_consent="on"))
    assert set(response.context["form"].errors) >= {"description", "name", "mobile", "complainant_kind"}
    assert not Complaint.objects.exists()


def test_a_nul_byte_is_refused_before_anything_reads_it(world: dict[str, Any]) -> None:
    assert Client().post(reverse("complaint_public"), form(world, description="شکایت\x00")).status_code == 400
    assert Client().get(reverse("complaint_track"), {"code": "AB\x00"}).status_code == 400
    assert not Complaint.objects.exists()


def test_the_service_refuses_the_same_whatever_calls_it(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        services.submit(services.ComplaintData(institute=world["center"].code, complainant_kind="x", category="",
                                               description="\x00", name="ن" * 500, mobile="abc", sms_consent=True))
    assert set(refused.value.message_dict) == {"institute", "complainant_kind", "category", "description", "name",
                                               "mobile"}
    assert not Complaint.objects.exists()
