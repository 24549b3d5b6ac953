"""What HQ's form does with what should not be saved: each refused with a Persian message naming the field,
and nothing written (not the holiday, not a trail entry, not the table held in memory)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from maharat.audit.models import AuditEntry
from maharat.workdays.forms import HolidayForm
from maharat.workdays.models import Holiday
from maharat.workdays.selectors import is_working_day

pytestmark = pytest.mark.django_db

GOOD = {"date": "1406/05/05", "title": "عزای عمومی", "title_en": "National mourning", "kind": "special"}


def errors_of(data: dict[str, str]) -> list[str]:
    form = HolidayForm({**GOOD, **data})
    assert not form.is_valid()
    return form.error_summary()


@pytest.mark.parametrize(("date", "message"), [
    ("0000/01/01", "تاریخ: سال باید بین ۱۳۰۰ و ۱۵۰۰ باشد."),  # not read as 1400/01/01
    ("۰۰۰۰/۰۱/۰۱", "تاریخ: سال باید بین ۱۳۰۰ و ۱۵۰۰ باشد."),
    ("0/1/1", "تاریخ: تاریخ باید به شکل سال/ماه/روز شمسی باشد، مثلاً ۱۴۰۲/۰۵/۰۷."),
    ("0999/01/01", "تاریخ: سال باید بین ۱۳۰۰ و ۱۵۰۰ باشد."),
    ("1405/12/31", "تاریخ: اسفند ۱۴۰۵ ۲۹ روز دارد."),  # 1405 is not a leap year
    ("1405/12/30", "تاریخ: سال ۱۴۰۵ کبیسه نیست و اسفند آن ۳۰ روز ندارد."),
    ("1405/13/01", "تاریخ: ماه ۱۳ وجود ندارد؛ ماه باید بین ۱ و ۱۲ باشد."),
    ("1406/07/31", "تاریخ: مهر ۱۴۰۶ ۳۰ روز دارد."),
    ("99999/01/01", "تاریخ: تاریخ باید به شکل سال/ماه/روز شمسی باشد، مثلاً ۱۴۰۲/۰۵/۰۷."),
    ("1501/01/01", "تاریخ: سال باید بین ۱۳۰۰ و ۱۵۰۰ باشد."),
    ("", "تاریخ: تاریخ را بنویسید."),
    ("2027-07-27", "تاریخ: سال باید بین ۱۳۰۰ و ۱۵۰۰ باشد."),  # a Gregorian date is not taken for a Jalali one
])
def test_dates_that_do_not_exist(date: str, message: str) -> None:
    assert errors_of({"date": date}) == [message]


def test_persian_digits_and_a_leap_day_are_accepted() -> None:
    form = HolidayForm({**GOOD, "date": "۱۴۰۳/۱۲/۳۰"})  # 1403 is a leap year
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date"] == dt.date(2025, 3, 20)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("title", "عزا\x00ی عمومی", "عنوان: کاراکترهای تهی مجاز نیستند."),
    ("title", "عزای \u202eعمومی", "عنوان: نویسه‌های کنترلی یا جهت‌دهی نامرئی در متن مجاز نیست."),
    ("title", "عزای\x07 عمومی", "عنوان: نویسه‌های کنترلی یا جهت‌دهی نامرئی در متن مجاز نیست."),
    ("title", "ع" * 10_000, "عنوان: حداکثر ۲۰۰ نویسه."),
    ("title", "   ", "عنوان: عنوان تعطیل را بنویسید."),
    ("title_en", "National\x1b[31m mourning", "عنوان انگلیسی: نویسه‌های کنترلی یا جهت‌دهی نامرئی در متن مجاز نیست."),
    ("title_en", "عزای عمومی", "عنوان انگلیسی: عنوان انگلیسی را با حروف لاتین بنویسید."),
    ("kind", "weekend", "نوع: یک گزینهٔ معتبر انتخاب کنید. weekend از گزینه‌های موجود نیست."),
])
def test_hostile_text(field: str, value: str, message: str) -> None:
    assert errors_of({field: value}) == [message]


def test_a_day_that_already_has_a_holiday() -> None:
    assert errors_of({"date": "1406/01/01"}) == [
        "تاریخ: برای این روز پیش‌تر تعطیلی ثبت شده است؛ همان را ویرایش کنید و مناسبت را به عنوانش بیفزایید."]


def test_moving_a_holiday_onto_another_is_refused(planner, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner)
    tasua = Holiday.objects.get(date=dt.date(2027, 6, 14))
    response = client.post(reverse("holiday_update", args=[tasua.pk]),
                           {"date": "1406/03/25", "title": "تاسوعای حسینی", "kind": "lunar"})  # Ashura's day
    assert response.status_code == 200 and "تاریخ: برای این روز پیش‌تر تعطیلی ثبت شده است" in response.content.decode()
    tasua.refresh_from_db()
    assert tasua.date == dt.date(2027, 6, 14)


def nothing_written(before: int) -> bool:
    holiday_type = ContentType.objects.get_for_model(Holiday)
    return Holiday.objects.count() == before and not AuditEntry.objects.filter(content_type=holiday_type).exists()


@pytest.mark.parametrize("data", [
    {"date": "0000/01/01"}, {"date": "1405/12/31"}, {"date": "1406/01/01"}, {"title": "x" * 300},
    {"title": "عزای \u2066عمومی"}, {"title_en": "عزا"}, {"kind": ""},
])
def test_the_page_refuses_them_and_saves_nothing(planner, client, data: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner)
    before = Holiday.objects.count()
    response = client.post(reverse("holiday_create"), {**GOOD, **data})
    assert response.status_code == 200 and 'data-testid="form-errors"' in response.content.decode()
    assert nothing_written(before) and is_working_day(dt.date(2027, 7, 27))


def test_a_nul_byte_is_refused_before_the_form(planner, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner)
    before = Holiday.objects.count()
    response = client.post(reverse("holiday_create"), {**GOOD, "title": "عزای\x00 عمومی"})
    assert response.status_code == 400 and "NUL" in response.content.decode()  # the platform's middleware
    assert nothing_written(before)


def test_a_formula_is_stored_as_text_and_exported_as_text(planner, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner)
    formula = '=HYPERLINK("http://evil.example","تعطیل")'
    response = client.post(reverse("holiday_create"), {**GOOD, "title": formula})
    assert response.status_code == 302
    assert Holiday.objects.get(date=dt.date(2027, 7, 27)).title == formula
    export = client.get(reverse("workdays_calendar"), {"year": 1406, "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert ["'" + formula] == [r[3] for r in rows if r[:1] == ["1406/05/05"]]


def test_a_persian_date_typed_on_the_page_is_saved(planner, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner)
    response = client.post(reverse("holiday_create"), {**GOOD, "date": "۱۴۰۶/۰۵/۰۵"})
    assert response.status_code == 302 and response["Location"] == "/calendar/?year=1406#holidays"
    assert not is_working_day(dt.date(2027, 7, 27))
