""""What I owe" and "what we raised": the selectors, the list's tabs and filters, live items first with the
overdue marked, the exports, and an item linked to the record that raised it."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from maharat.factories import CourseRunFactory, today_is
from maharat.followup import selectors, services
from maharat.followup.models import FollowUp

from .conftest import raised

pytestmark = pytest.mark.django_db


def test_what_a_unit_owes_and_what_it_raised(world: dict[str, Any], items: dict[str, FollowUp]) -> None:
    assert set(selectors.owed(world["center"])) == {items["mine"], items["from_hq"]}
    assert list(selectors.owed(world["qazvin"])) == [items["province"]]
    assert set(selectors.owed(world["qazvin"], subtree=True)) == {items["province"], items["mine"], items["from_hq"]}
    assert list(selectors.owed(world["neighbour"])) == []
    assert list(selectors.raised_by_unit(world["qazvin"])) == [items["mine"]]
    assert set(selectors.raised_by_unit(world["hq"])) == {items["from_hq"], items["province"]}


def test_live_items_come_first_by_deadline_and_settled_ones_last(world: dict[str, Any]) -> None:
    late = raised(world, "manager", "center", working_days=9, title="دیرتر")
    soon = raised(world, "manager", "center", working_days=2, title="زودتر")
    done = raised(world, "manager", "center", working_days=1, title="بسته‌شده")
    answered = raised(world, "manager", "center", working_days=3, title="پاسخ‌داده")
    services.respond(world["head"], done, "انجام شد")
    services.verify(world["manager"], done)
    services.respond(world["head"], answered, "انجام شد")
    assert list(selectors.owed(world["center"])) == [soon, answered, late, done]


def test_the_owners_list_starts_on_what_it_owes_with_the_overdue_marked(client: Any, world: dict[str, Any],
                                                                       items: dict[str, FollowUp]) -> None:
    overdue = raised(world, "manager", "center", working_days=1, title="معوق")  # due Monday 23
    with today_is(dt.date(2026, 11, 24)):
        client.force_login(world["head"])  # signed in that day (a session idle for days has expired)
        page = client.get(reverse("followup_list"))
        assert page.context["tab"] == "owed"
        assert list(page.context["object_list"]) == [overdue, items["mine"], items["from_hq"]]
        html = page.content.decode()
        assert f'data-testid="followup-{overdue.pk}" class="table-danger"' in html
        assert f'data-testid="followup-{items["mine"].pk}" class="table-danger"' not in html
        assert "۱ روز کاری گذشته" in html and 'data-testid="owed-overdue"' in html
        late = client.get(reverse("followup_list"), {"overdue": "yes"}).context["object_list"]
        assert list(late) == [overdue]
        on_time = client.get(reverse("followup_list"), {"overdue": "no"}).context["object_list"]
        assert list(on_time) == [items["mine"], items["from_hq"]]
    assert list(client.get(reverse("followup_list"), {"tab": "raised"}).context["object_list"]) == []


def test_the_provinces_tabs(client: Any, world: dict[str, Any], items: dict[str, FollowUp]) -> None:
    client.force_login(world["manager"])
    def listed(**params: str) -> list[FollowUp]:
        return list(client.get(reverse("followup_list"), params).context["object_list"])
    assert set(listed()) == {items["mine"], items["from_hq"], items["province"]}  # everything in its reach
    assert listed(tab="owed") == [items["province"]]
    assert listed(tab="raised") == [items["mine"]]
    services.respond(world["head"], items["mine"], "انجام شد")
    assert listed(status="submitted") == [items["mine"]]
    assert listed(status="bogus'); DROP TABLE x; --") != []  # an unknown status is no filter, not an error
    assert listed(q="بازدید ستاد") == [items["from_hq"]]
    assert listed(q=world["center"].code.lower()) == [items["mine"], items["from_hq"]]


def test_the_list_exports_what_it_shows(client: Any, world: dict[str, Any], items: dict[str, FollowUp]) -> None:
    from openpyxl import load_workbook

    client.force_login(world["manager"])
    csv = b"".join(client.get(reverse("followup_list"), {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert "رفع نقص ایمنی کارگاه" in csv and "بازنگری برنامه استان" in csv
    assert "پیگیری استان دیگر" not in csv  # another province's item is outside the scope of the file too
    assert "1405/09/07" in csv  # the deadline, Jalali
    xlsx = client.get(reverse("followup_list"), {"format": "xlsx", "tab": "raised"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    titles = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert "رفع نقص ایمنی کارگاه" in titles and "بازنگری برنامه استان" not in titles


def test_a_domain_links_its_record_and_finds_its_items(client: Any, world: dict[str, Any]) -> None:
    run = CourseRunFactory(unit=world["center"])
    item = services.raise_item(world["manager"], owner_unit=world["center"], title="تکمیل مدارک دوره",
                               working_days=3, source=run)
    assert item.source == run and item.source_label == str(run)
    assert list(selectors.for_source(world["head"], run)) == [item]
    assert list(selectors.for_source(world["far_head"], run)) == []
    client.force_login(world["head"])
    page = client.get(item.get_absolute_url()).content.decode()
    assert f'href="{run.get_absolute_url()}"' in page
    far_run = CourseRunFactory(unit=world["far_center"])
    with pytest.raises(PermissionDenied):  # a record outside one's reach is not one's to cite
        services.raise_item(world["manager"], owner_unit=world["center"], title="x", working_days=3, source=far_run)
