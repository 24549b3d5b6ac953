"""What should not be saved: each refused with a Persian message naming the field, and nothing written (no
item, no trail entry, no message); what is odd but harmless (Persian digits, a formula-looking title) is
taken, and written out safely."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maharat.audit.models import AuditEntry
from maharat.followup import services
from maharat.followup.models import FollowUp, FollowUpStatus
from maharat.notify.models import Notification

from .conftest import raised

pytestmark = pytest.mark.django_db


def good(world: dict[str, Any], **changes: str) -> dict[str, str]:
    return {"owner_unit": world["center"].code, "title": "رفع نقص ایمنی", "working_days": "5", **changes}


def nothing_written() -> None:
    assert not FollowUp.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="followup").exists()
    assert not Notification.objects.filter(topic__startswith="followup").exists()


def form_errors(client: Any, world: dict[str, Any], **changes: str) -> list[str]:
    client.force_login(world["manager"])
    response = client.post(reverse("followup_create"), good(world, **changes))
    assert response.status_code == 200, response.status_code
    return list(response.context["form"].error_summary())


@pytest.mark.parametrize(("changes", "message"), [
    ({"working_days": "0"}, "مهلت (روز کاری): نمی‌تواند کمتر از ۱ باشد."),
    ({"working_days": "-1"}, "مهلت (روز کاری): نمی‌تواند کمتر از ۱ باشد."),
    ({"working_days": str(10**9)}, "مهلت (روز کاری): نمی‌تواند بیشتر از ۲۵۰ باشد."),
    ({"working_days": "پنج"}, "مهلت (روز کاری): یک عدد درست وارد کنید (با رقم فارسی یا لاتین)."),
    ({"working_days": ""}, "مهلت (روز کاری): این مقدار لازم است."),
    ({"title": "ع" * 10_000}, "عنوان: «عنوان» حداکثر ۲۰۰ نویسه است."),
    ({"title": "   "}, "عنوان: «عنوان» را بنویسید."),
    ({"title": "رفع \u202eنقص"}, "عنوان: «عنوان» نویسه کنترلی یا جهت‌دهی نامرئی دارد که مجاز نیست."),
    ({"title": "رفع\x07نقص"}, "عنوان: «عنوان» نویسه کنترلی یا جهت‌دهی نامرئی دارد که مجاز نیست."),
    ({"description": "ش" * 4001}, "شرح: «شرح» حداکثر ۴۰۰۰ نویسه است."),
    ({"owner_unit": "IR-26-' OR 1=1 --"}, "واحد مسئول: واحدی با این کد در حوزه شما نیست که بتواند مسئول پیگیری باشد."),
    ({"start": "1405/13/01"}, "تاریخ شروع: ماه ۱۳ وجود ندارد؛ ماه باید بین ۱ و ۱۲ باشد."),
    ({"start": "1405/10/01"}, "تاریخ شروع: تاریخ شروع نمی‌تواند بعد از امروز باشد."),
    ({"start": "1404/01/01"}, "تاریخ شروع: تاریخ شروع حداکثر ۶۰ روز پیش از امروز است."),
])
def test_the_form_refuses_with_the_field_named(client: Any, world: dict[str, Any], changes: dict[str, str],
                                               message: str) -> None:
    assert form_errors(client, world, **changes) == [message]
    nothing_written()


def test_persian_digits_are_taken(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["manager"])
    response = client.post(reverse("followup_create"), good(world, working_days="۵", start="۱۴۰۵/۰۸/۲۹"))
    assert response.status_code == 302
    item = FollowUp.objects.get()
    assert item.working_days == 5 and str(item.start) == "2026-11-20"


def test_a_nul_byte_is_refused_before_any_form_reads_it(client: Any, world: dict[str, Any],
                                                        items: dict[str, FollowUp]) -> None:
    client.force_login(world["manager"])
    assert client.post(reverse("followup_create"), good(world, title="رفع\x00نقص")).status_code == 400
    assert not FollowUp.objects.filter(title__contains="رفع").exclude(pk__in=[i.pk for i in items.values()]).exists()
    client.force_login(world["head"])
    url = reverse("followup_transition", args=[items["mine"].pk, "respond"])
    assert client.post(url, {"note": "انجام\x00شد"}).status_code == 400
    assert client.get(reverse("followup_list"), {"q": "\x00"}).status_code == 400
    assert FollowUp.objects.get(pk=items["mine"].pk).status == FollowUpStatus.OPEN


@pytest.mark.parametrize("working_days", [0, -1, 10**9, "5", True, None, 2.5])
def test_the_service_refuses_a_deadline_that_is_not_a_count_of_working_days(world: dict[str, Any],
                                                                            working_days: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        raised(world, "manager", "center", working_days=working_days)
    assert list(refused.value.message_dict) == ["working_days"]
    nothing_written()


@pytest.mark.parametrize(("note", "message"), [
    ("", "«گزارش انجام» را بنویسید."),
    ("   \n ", "«گزارش انجام» را بنویسید."),
    ("ا" * 2001, "«گزارش انجام» حداکثر ۲۰۰۰ نویسه است."),
    ("انجام \u2066شد", "«گزارش انجام» نویسه کنترلی یا جهت‌دهی نامرئی دارد که مجاز نیست."),
])
def test_an_answer_needs_a_clean_note_and_nothing_moves_without_one(client: Any, world: dict[str, Any],
                                                                    items: dict[str, FollowUp], note: str,
                                                                    message: str) -> None:
    item = items["mine"]
    of_items = AuditEntry.objects.filter(content_type__model="followup")
    trail = of_items.count()
    with pytest.raises(ValidationError) as refused:
        services.respond(world["head"], item, note)
    assert refused.value.messages == [message]
    client.force_login(world["head"])
    page = client.post(reverse("followup_transition", args=[item.pk, "respond"]), {"note": note}, follow=True)
    assert message in page.content.decode()
    assert FollowUp.objects.get(pk=item.pk).status == FollowUpStatus.OPEN and of_items.count() == trail


def test_reject_and_cancel_need_a_reason(world: dict[str, Any], items: dict[str, FollowUp]) -> None:
    item = services.respond(world["head"], items["mine"], "انجام شد")
    with pytest.raises(ValidationError, match="دلیل رد"):
        services.reject(world["manager"], item, " ")
    with pytest.raises(ValidationError, match="دلیل لغو"):
        services.cancel(world["manager"], item, "")
    assert FollowUp.objects.get(pk=item.pk).status == FollowUpStatus.SUBMITTED


def test_a_second_decision_on_the_same_answer_is_refused(world: dict[str, Any], items: dict[str, FollowUp]) -> None:
    item = services.respond(world["head"], items["mine"], "انجام شد")
    services.verify(world["manager"], item)
    with pytest.raises(ValidationError, match="تأییدشده و بسته"):
        services.reject(world["hq_planner"], item, "دیر دیدم")  # the stale copy is re-read, not trusted
    with pytest.raises(ValidationError):
        services.respond(world["head"], item, "دوباره")
    assert FollowUp.objects.get(pk=item.pk).status == FollowUpStatus.CLOSED


def test_an_unknown_action_is_404(client: Any, world: dict[str, Any], items: dict[str, FollowUp]) -> None:
    client.force_login(world["hq_planner"])
    assert client.post(reverse("followup_transition", args=[items["mine"].pk, "delete"])).status_code == 404
    assert client.get(reverse("followup_transition", args=[items["mine"].pk, "verify"])).status_code == 405
    assert FollowUp.objects.filter(pk=items["mine"].pk).exists()


def test_a_formula_looking_title_is_text_in_the_export(client: Any, world: dict[str, Any]) -> None:
    raised(world, "manager", "center", title='=HYPERLINK("http://evil.example","کلیک")')
    client.force_login(world["manager"])
    csv = b"".join(client.get(reverse("followup_list"), {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv
