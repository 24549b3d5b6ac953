"""The calendar page: twelve month tables, the holidays below, today marked, both languages, the exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse

from maharat.factories import today_is
from maharat.web.tests.test_crawl import layout_and_language, read
from maharat.workdays.models import Holiday

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 3)  # 1405/09/12, a Thursday


def get(client, language: str = "fa", **query: object):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with today_is(TODAY):
        return client.get(reverse("workdays_calendar"), query)


@pytest.fixture
def viewer(account, client):  # type: ignore[no-untyped-def]
    client.force_login(account("center_head"))
    return client


def main(html: str) -> str:
    """The page's own content (the menu and footer around it are the layout's, checked by the crawl)."""
    return "<nav>" + html[html.index("<main"):html.index("</main>") + 7]


def month_tables(html: str) -> list[str]:
    return re.findall(r'<table class="table table-sm[^>]*data-testid="month-\d+">.*?</table>', html, re.S)


def test_the_year_is_twelve_month_tables_saturday_first_with_captions(viewer) -> None:  # type: ignore[no-untyped-def]
    html = get(viewer).content.decode()
    months = month_tables(html)
    assert len(months) == 12
    assert "<caption" in months[0] and "فروردین ۱۴۰۵" in months[0] and "اسفند ۱۴۰۵" in months[11]
    heads = re.findall(r'<span class="visually-hidden">([^<]+)</span></th>', months[0])
    assert heads == ["شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه"]
    # 1405/01/01 is a Saturday: the first cell of Farvardin's first week, a holiday with both its titles.
    first_row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", months[0], re.S).group(1)  # type: ignore[union-attr]
    assert first_row.startswith('<td class="table-danger"') and "آغاز نوروز؛ عید سعید فطر" in first_row
    # Mehr 1405 starts on a Wednesday: four empty cells first.
    mehr_row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", months[6], re.S).group(1)  # type: ignore[union-attr]
    assert mehr_row.startswith("<td></td>" * 4)
    # Esfand 1405 has 29 days.
    assert ">۲۹<" in months[11] and ">۳۰<" not in months[11]


def test_fridays_holidays_and_today_are_marked(viewer) -> None:  # type: ignore[no-untyped-def]
    azar = month_tables(get(viewer).content.decode())[8]
    assert re.search(r'<td class="fw-bold border border-2 border-primary" aria-current="date">۱۲<span '
                     r'class="visually-hidden"> — امروز</span></td>', azar)
    assert '<td class="text-danger">۱۳</td>' in azar  # 1405/09/13 is a Friday
    assert azar.count('aria-current="date"') == 1
    khordad = month_tables(get(viewer).content.decode())[2]
    assert 'title="رحلت حضرت امام خمینی (ره)؛ عید سعید غدیر خم"' in khordad


def test_the_holidays_are_listed_below_with_the_unconfirmed_flagged(viewer) -> None:  # type: ignore[no-untyped-def]
    html = get(viewer, year=1406).content.decode()
    listing = html[html.index('data-testid="holiday-list"'):]
    assert listing.count("<tr data-testid=\"holiday-") == 27
    arbaeen = Holiday.objects.get(date=dt.date(2027, 7, 25))
    assert f'data-testid="unconfirmed-{arbaeen.pk}"' in listing and "اربعین حسینی" in listing
    assert "۳ مرداد ۱۴۰۶" in listing and "۲۰۲۷-۰۷-۲۵" in listing  # Jalali and Gregorian, Persian digits
    assert 'data-testid="unconfirmed"' in html  # the warning above the months: 17 lunar days not confirmed
    assert "۱۷ تعطیل این سال هنوز قطعی نشده است" in html


@pytest.mark.parametrize("year", [1405, 1406])
def test_no_latin_digits_on_the_persian_page(viewer, year: int) -> None:  # type: ignore[no-untyped-def]
    page = read("/calendar/", 200, main(get(viewer, year=year).content.decode()), "fa")
    assert layout_and_language(None)(page) == []


@pytest.mark.parametrize("year", [1405, 1406])
def test_no_persian_on_the_english_page(account, client, year: int) -> None:  # type: ignore[no-untyped-def]
    client.force_login(account("hq_planner"))  # the planner's page has the forms and buttons too
    html = get(client, "en", year=year).content.decode()
    assert layout_and_language(None)(read("/calendar/", 200, main(html), "en")) == []
    assert "Nowruz (New Year)" in html and "Farvardin" in html and "Sat" in html


def test_a_year_is_chosen_and_a_bad_one_falls_back_with_a_message(viewer) -> None:  # type: ignore[no-untyped-def]
    assert "فروردین ۱۴۰۶" in get(viewer, year="۱۴۰۶").content.decode()  # Persian digits in the address too
    for bad in ("0", "abc", "99999", "1405\u202e"):
        response = get(viewer, year=bad)
        html = response.content.decode()
        assert response.status_code == 200 and "فروردین ۱۴۰۵" in html
        assert "سال باید عددی بین ۱۳۰۰ و ۱۵۰۰ باشد" in html
    empty = get(viewer, year=1410).content.decode()  # nothing loaded: said, not silently counted
    assert 'data-testid="not-loaded"' in empty


def test_the_exports(viewer) -> None:  # type: ignore[no-untyped-def]
    response = get(viewer, year=1406, format="csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "holidays-1406" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:4] == ["تاریخ", "روز هفته", "تاریخ میلادی", "عنوان"]
    assert ["1406/01/01", "یکشنبه", "2027-03-21", "آغاز نوروز", "Nowruz (New Year)", "شمسی", "بله"] in rows
    assert sum(1 for r in rows if len(r) == 7 and r[2].startswith("20")) == 27
    xlsx = get(viewer, year=1406, format="xlsx")
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"
