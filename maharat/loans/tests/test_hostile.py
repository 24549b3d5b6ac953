"""What should not be saved: each refused with a Persian message naming the field, and nothing written (no
loan, no trail entry, no message); what is odd but harmless (Persian digits, thousands separators) is taken."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maharat.audit.models import AuditEntry
from maharat.loans import programmes
from maharat.loans.models import Loan, LoanProgramme, LoanStatus, Repayment
from maharat.notify.models import Notification

from .conftest import PROGRAMME, paid_out

pytestmark = pytest.mark.django_db


def good(world: dict[str, Any], **changes: str) -> dict[str, Any]:
    return {"programme": world["programme"].pk, "institute": world["institute"].code, "purpose": "equipment",
            "description": "خرید دستگاه جوش", "amount": "500000000", "term_months": "24", "received_on": "1405/08/01",
            **changes}


def nothing_written() -> None:
    assert not Loan.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="loan").exists()
    assert not Notification.objects.filter(topic="loans").exists()


def form_errors(client: Any, world: dict[str, Any], **changes: str) -> list[str]:
    client.force_login(world["expert"])
    response = client.post(reverse("loan_create"), good(world, **changes))
    assert response.status_code == 200, response.status_code
    return list(response.context["form"].error_summary())


@pytest.mark.parametrize(("changes", "message"), [
    ({"amount": str(10**30)}, "مبلغ درخواستی (ریال): نمی‌تواند بیشتر از ۱۰۰۰۰۰۰۰۰۰۰۰۰۰ باشد."),
    ({"amount": "-500000000"}, "مبلغ درخواستی (ریال): نمی‌تواند کمتر از ۱۰۰۰۰۰۰ باشد."),
    ({"amount": "پانصد میلیون"}, "مبلغ درخواستی (ریال): یک عدد درست وارد کنید (با رقم فارسی یا لاتین)."),
    ({"amount": "5e8"}, "مبلغ درخواستی (ریال): یک عدد درست وارد کنید (با رقم فارسی یا لاتین)."),
    ({"amount": ""}, "مبلغ درخواستی (ریال): این مقدار لازم است."),
    ({"term_months": "0"}, "مدت (ماه، با دوران تنفس): نمی‌تواند کمتر از ۱ باشد."),
    ({"term_months": "6"}, "مدت (ماه، با دوران تنفس): «مدت (ماه)» نمی‌تواند کمتر از ۷ باشد."),
    ({"term_months": "37"}, "مدت (ماه، با دوران تنفس): «مدت (ماه)» نمی‌تواند بیشتر از ۳۶ باشد."),
    ({"received_on": "0000/01/01"}, "تاریخ درخواست: سال باید بین ۱۳۰۰ و ۱۵۰۰ باشد."),
    ({"received_on": "1405/13/01"}, "تاریخ درخواست: ماه ۱۳ وجود ندارد؛ ماه باید بین ۱ و ۱۲ باشد."),
    ({"received_on": "1405/09/02"}, "تاریخ درخواست: «تاریخ درخواست» نمی‌تواند بعد از امروز باشد."),
    ({"received_on": "1402/01/01"}, "تاریخ درخواست: «تاریخ درخواست» حداکثر دو سال پیش از امروز است."),
    ({"received_on": "1404/12/01"}, "تاریخ درخواست: درخواست‌های برنامه سال ۱۴۰۵ در همان سال پذیرفته می‌شود."),
    ({"description": "خرید\x07دستگاه"}, "شرح طرح: «شرح طرح» نویسه کنترلی یا جهت‌دهی نامرئی دارد که مجاز نیست."),
    ({"description": "خرید \u202eدستگاه"}, "شرح طرح: «شرح طرح» نویسه کنترلی یا جهت‌دهی نامرئی دارد که مجاز نیست."),
    ({"description": "ش" * 2001}, "شرح طرح: «شرح طرح» حداکثر ۲۰۰۰ نویسه است."),
    ({"purpose": "bribes"}, "موضوع مصرف: یک گزینهٔ معتبر انتخاب کنید. bribes از گزینه‌های موجود نیست."),
    ({"institute": "IR-26' OR 1=1 --"}, "آموزشگاه آزاد: آموزشگاه آزادی با این کد در حوزه شما نیست."),
    ({"institute": "IR-26"}, "آموزشگاه آزاد: آموزشگاه آزادی با این کد در حوزه شما نیست."),
    ({"programme": "999999"}, "برنامه تسهیلات: این برنامه درخواست تازه نمی‌پذیرد."),
])
def test_the_form_refuses_with_the_field_named(client: Any, world: dict[str, Any], changes: dict[str, str],
                                               message: str) -> None:
    assert form_errors(client, world, **changes) == [message]
    nothing_written()


def test_persian_digits_and_separators_are_taken(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["expert"])
    response = client.post(reverse("loan_create"), good(world, amount="۵۰۰٬۰۰۰٬۰۰۰", term_months="۲۴",
                                                         received_on="۱۴۰۵/۰۸/۰۱"))
    assert response.status_code == 302
    loan = Loan.objects.get()
    assert (loan.requested_amount, loan.term_months, loan.received_on) == (500_000_000, 24, dt.date(2026, 10, 23))


def test_an_institute_manager_cannot_backdate(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["institute_manager"])
    assert client.post(reverse("loan_create"), good(world, received_on="1405/08/01")).status_code == 302
    assert Loan.objects.get().received_on == dt.date(2026, 11, 22)  # the form has no such field for it


def test_a_nul_byte_is_refused_before_any_form_reads_it(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["expert"])
    assert client.post(reverse("loan_create"), good(world, description="خرید\x00دستگاه")).status_code == 400
    assert client.get(reverse("loan_list"), {"q": "\x00"}).status_code == 400
    nothing_written()
    loan = paid_out(world)
    url = reverse("loan_step", args=[loan.pk, "repayment"])
    assert client.post(url, {"on": "1405/09/01", "amount": "1000000", "reference": "R\x00-1"}).status_code == 400
    assert not Repayment.objects.exists()


@pytest.mark.parametrize(("data", "message"), [
    ({"on": "1405/09/01", "amount": str(10**30), "reference": "R-1"},
     "مبلغ (ریال): نمی‌تواند بیشتر از ۱۰۰۰۰۰۰۰۰۰۰۰۰۰ باشد."),
    ({"on": "1405/09/01", "amount": "-1", "reference": "R-1"}, "مبلغ (ریال): نمی‌تواند کمتر از ۱ باشد."),
    ({"on": "0000/01/01", "amount": "1000000", "reference": "R-1"}, "تاریخ پرداخت: سال باید بین ۱۳۰۰ و ۱۵۰۰ باشد."),
    ({"on": "1405/09/01", "amount": "1000000", "reference": "=cmd|' /C calc'!A0"},
     "شماره مرجع: «شماره مرجع» نمی‌تواند با = + - @ آغاز شود."),
    ({"on": "1405/09/01", "amount": "1000000", "reference": "R\x1b[31m"},
     "شماره مرجع: «شماره مرجع» نویسه کنترلی یا جهت‌دهی نامرئی دارد که مجاز نیست."),
    ({"on": "1405/09/01", "amount": "1000000", "reference": "R" * 101}, "شماره مرجع: «شماره مرجع» حداکثر ۱۰۰ نویسه است."),
])
def test_a_repayment_page_refuses_with_the_field_named(client: Any, world: dict[str, Any], data: dict[str, str],
                                                       message: str) -> None:
    loan = paid_out(world)
    client.force_login(world["expert"])
    page = client.post(reverse("loan_step", args=[loan.pk, "repayment"]), data, follow=True)
    assert message in [str(m) for m in page.context["messages"]]
    assert not Repayment.objects.exists() and Loan.objects.get(pk=loan.pk).status == LoanStatus.DISBURSED


def test_an_unknown_step_is_404_and_a_get_405(client: Any, world: dict[str, Any]) -> None:
    loan = paid_out(world)
    client.force_login(world["hq_planner"])
    assert client.post(reverse("loan_step", args=[loan.pk, "delete"])).status_code == 404
    assert client.post(reverse("loan_step", args=[loan.pk, "settle"])).status_code == 404  # never a button
    assert client.get(reverse("loan_step", args=[loan.pk, "declare_default"])).status_code == 405
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.DISBURSED


@pytest.mark.parametrize(("changes", "field"), [
    ({"year": 0}, "year"), ({"year": 10**30}, "year"), ({"title": "=HYPERLINK(\"http://x\")"}, "title"),
    ({"title": "برنامه\x00"}, "title"), ({"budget": -1}, "budget"), ({"budget": 10**30}, "budget"),
    ({"interest_rate": 31}, "interest_rate"), ({"interest_rate": -1}, "interest_rate"),
    ({"interest_rate": "4"}, "interest_rate"), ({"max_amount": 20_000_000_000}, "max_amount"),
    ({"grace_months": 36}, "grace_months"), ({"max_term_months": 0}, "max_term_months"),
    ({"hq_threshold": True}, "hq_threshold"), ({"notes": "ی" * 2001}, "notes"),
])
def test_the_programme_service_refuses_with_the_field_named(world: dict[str, Any], changes: dict[str, Any],
                                                            field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        programmes.create(world["hq_planner"], **{**PROGRAMME, "title": "دیگر", **changes})
    assert list(caught.value.message_dict) == [field]
    assert LoanProgramme.objects.count() == 1


def test_the_programme_form_reads_a_persian_rate_and_refuses_a_third_decimal(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["hq_planner"])
    terms = {**PROGRAMME, "title": "برنامه ۲", "interest_rate": "۴٫۵", "budget": "۱۰٬۰۰۰٬۰۰۰٬۰۰۰", "is_open": "on"}
    assert client.post(reverse("loan_programme_create"), terms).status_code == 302
    assert str(LoanProgramme.objects.get(title="برنامه 2").interest_rate) == "4.50"
    page = client.post(reverse("loan_programme_create"), {**terms, "title": "برنامه ۳", "interest_rate": "4.555"})
    assert page.status_code == 200 and page.context["form"].errors["interest_rate"]
    assert not LoanProgramme.objects.filter(title="برنامه 3").exists()


def test_a_programme_in_use_keeps_its_promises(world: dict[str, Any]) -> None:
    from .conftest import applied, approved

    approved(world, applied(world, amount=900_000_000))
    with pytest.raises(ValidationError) as caught:
        programmes.update(world["hq_planner"], world["programme"], **{**PROGRAMME, "interest_rate": 6,
                                                                     "budget": 800_000_000})
    assert caught.value.message_dict == {
        "interest_rate": ["این برنامه تسهیلات ثبت‌شده دارد و این شرط آن تغییر نمی‌کند."],
        "budget": ["اعتبار کل نمی‌تواند کمتر از مبلغ تصویب‌شده تاکنون (۹۰۰٬۰۰۰٬۰۰۰ ریال) باشد."],
        "max_amount": ["سقف هر تسهیلات نمی‌تواند از اعتبار کل برنامه بیشتر باشد."]}
    done = programmes.update(world["hq_planner"], world["programme"], **{**PROGRAMME, "is_open": False})
    assert done.is_open is False
