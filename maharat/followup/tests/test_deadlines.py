"""An item's deadline is counted in working days of the official calendar, once: across a Friday and a public
holiday, and never moved by a later change of the holiday table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from maharat.factories import today_is
from maharat.followup import selectors
from maharat.workdays.models import Holiday

from .conftest import raised

pytestmark = pytest.mark.django_db

SUNDAY = dt.date(2026, 11, 22)  # 1405/09/01, the tests' today
TUESDAY = dt.date(2026, 11, 24)  # 1405/09/03, an ordinary working day in the seeded table


def test_five_working_days_skip_the_friday(world: dict[str, Any]) -> None:
    # Mon 23 (1), Tue 24 (2), Wed 25 (3), Thu 26 (4), [Fri 27], Sat 28 (5).
    item = raised(world, "manager", "center", working_days=5)
    assert (item.start, item.due) == (SUNDAY, dt.date(2026, 11, 28))
    with translation.override("fa"):
        assert item.deadline_text == "۵ روز کاری مانده"


def test_a_holiday_in_the_way_moves_the_deadline_a_day_and_a_later_change_does_not(world: dict[str, Any]) -> None:
    holiday = Holiday.objects.create(date=TUESDAY, title="عزای عمومی", kind="special")
    # Mon 23 (1), [Tue 24 holiday], Wed 25 (2), Thu 26 (3), [Fri 27], Sat 28 (4), Sun 29 (5).
    item = raised(world, "manager", "center", working_days=5)
    assert item.due == dt.date(2026, 11, 29)
    holiday.delete()  # HQ takes the holiday back: the deadline given stands
    item.refresh_from_db()
    assert item.due == dt.date(2026, 11, 29)
    assert raised(world, "manager", "center", working_days=5).due == dt.date(2026, 11, 28)  # a new one counts anew


def test_one_working_day_from_a_thursday_is_the_saturday(world: dict[str, Any]) -> None:
    with today_is(dt.date(2026, 11, 26)):  # Thursday 1405/09/05
        assert raised(world, "manager", "center", working_days=1).due == dt.date(2026, 11, 28)


def test_a_start_in_the_past_counts_from_that_day_and_a_deadline_already_gone_is_refused(world: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError

    visit = dt.date(2026, 11, 16)  # Monday 1405/08/25, the day of the supervision visit
    # Tue 17 (1), Wed 18, Thu 19, [Fri 20], Sat 21, Sun 22, Mon 23, Tue 24, Wed 25, Thu 26 (9), [Fri 27], Sat 28 (10).
    assert raised(world, "manager", "center", start=visit, working_days=10).due == dt.date(2026, 11, 28)
    with pytest.raises(ValidationError) as refused:
        raised(world, "manager", "center", start=visit, working_days=2)  # Tue 17, Wed 18: gone
    assert refused.value.message_dict == {"working_days": ["با این تاریخ شروع، مهلت پیش از امروز به پایان رسیده است."]}
    with pytest.raises(ValidationError) as refused:
        raised(world, "manager", "center", start=SUNDAY + dt.timedelta(days=1))
    assert list(refused.value.message_dict) == ["start"]


def test_overdue_is_the_day_after_the_due_day_whatever_weekday(world: dict[str, Any]) -> None:
    item = raised(world, "manager", "center", working_days=4)  # Thursday 26
    assert item.due == dt.date(2026, 11, 26)
    qs = selectors.owed(world["center"])
    assert list(selectors.overdue(qs, dt.date(2026, 11, 26))) == []
    assert list(selectors.overdue(qs, dt.date(2026, 11, 27))) == [item]  # Friday: already late
    with today_is(dt.date(2026, 11, 27)), translation.override("fa"):
        assert item.overdue and item.deadline_text == "۱ روز کاری گذشته"


def test_the_factory_builds_an_item_the_service_would_have(world: dict[str, Any]) -> None:
    from maharat.followup.factories import FollowUpFactory

    item = FollowUpFactory()
    item.full_clean()
    assert (item.start, item.due, item.raised_unit.code) == (SUNDAY, dt.date(2026, 11, 28), "IR-26")
    assert list(selectors.owed(item.owner_unit)) == [item]
