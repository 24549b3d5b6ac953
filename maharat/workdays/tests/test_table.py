"""The holiday table held in memory: no query per question, and a change is counted at once, in this process
and in the others."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from maharat.workdays import selectors, services, table
from maharat.workdays.models import Holiday
from maharat.workdays.selectors import add_working_days, is_working_day, working_days_between

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2027, 7, 27)  # 1406/05/05, a working day
MONDAY = dt.date(2027, 7, 26)


def test_questions_after_the_first_cost_no_query(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    is_working_day(TUESDAY)
    with django_assert_num_queries(0):
        for offset in range(200):
            add_working_days(TUESDAY + dt.timedelta(days=offset), 10)
            working_days_between(TUESDAY, TUESDAY + dt.timedelta(days=offset))


def test_a_working_day_turned_holiday_is_seen_at_once(planner, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    assert is_working_day(TUESDAY) and add_working_days(MONDAY, 1) == TUESDAY
    with django_capture_on_commit_callbacks(execute=True):
        added = services.holiday_create(user=planner, date=TUESDAY, title="عزای عمومی", kind="special")
    assert not is_working_day(TUESDAY) and add_working_days(MONDAY, 1) == dt.date(2027, 7, 28)
    assert selectors.holiday_title(TUESDAY) == "عزای عمومی"
    services.holiday_update(user=planner, holiday=added, date=dt.date(2027, 7, 28))  # moved a day on
    assert is_working_day(TUESDAY) and not is_working_day(dt.date(2027, 7, 28))
    services.holiday_delete(user=planner, holiday=added)
    assert is_working_day(dt.date(2027, 7, 28))


def test_another_process_sees_the_change_by_the_token() -> None:
    assert is_working_day(TUESDAY)
    # A write made by another process: this process's copy is not dropped, only the shared token changes.
    Holiday.objects.bulk_create([Holiday(date=TUESDAY, title="تعطیل", kind="special")])  # no signals
    assert is_working_day(TUESDAY)  # still the copy held
    cache.set(table.TOKEN_KEY, "set-by-another-process", None)
    assert not is_working_day(TUESDAY)


def test_a_copy_older_than_max_age_is_read_again(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert is_working_day(TUESDAY)
    Holiday.objects.bulk_create([Holiday(date=TUESDAY, title="تعطیل", kind="special")])
    held = table.current()
    monkeypatch.setattr(table.time, "monotonic", lambda: held.read_at + table.MAX_AGE + 1)
    assert not is_working_day(TUESDAY)


def test_an_emptied_cache_makes_every_process_read_again() -> None:
    assert is_working_day(TUESDAY)
    Holiday.objects.bulk_create([Holiday(date=TUESDAY, title="تعطیل", kind="special")])
    cache.clear()
    assert not is_working_day(TUESDAY)


def test_a_write_rolled_back_is_not_counted(planner) -> None:  # type: ignore[no-untyped-def]
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.holiday_create(user=planner, date=TUESDAY, title="عزای عمومی", kind="special")
        assert not is_working_day(TUESDAY)  # inside the write's own transaction it is a holiday
        raise RuntimeError("the page failed after the write")
    assert is_working_day(TUESDAY)
