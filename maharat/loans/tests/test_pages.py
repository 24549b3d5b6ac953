"""The pages as a user meets them: the list with its filters and exports, a loan's page (eligibility item by
item, schedule, repayments, the forms of the steps the user may take, its documents), the overdue list and
its export, the programmes."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse

from maharat.institutes import services as licensing
from maharat.institutes.models import Licence
from maharat.loans import services

from .conftest import applied, approved, paid_out

pytestmark = pytest.mark.django_db


def html(client: Any, url: str, **params: Any) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_list_filters_and_exports(client: Any, world: dict[str, Any]) -> None:
    waiting = applied(world)
    out = paid_out(world, institute="neighbour")
    client.force_login(world["manager"])
    assert [x.pk for x in client.get(reverse("loan_list"), {"status": "submitted"}).context["object_list"]] == [
        waiting.pk]
    assert {x.pk for x in client.get(reverse("loan_list"), {"province": "ir-26"}).context["object_list"]} == {
        waiting.pk, out.pk}
    assert not client.get(reverse("loan_list"), {"province": "IR-03"}).context["object_list"]
    assert [x.pk for x in client.get(reverse("loan_list"), {"q": "همسایه"}).context["object_list"]] == [out.pk]
    partial = client.get(reverse("loan_list"), HTTP_HX_REQUEST="true")
    assert [t.name for t in partial.templates][0] == "loans/partials/loan_table.html"
    csv = b"".join(client.get(reverse("loan_list"), {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert waiting.number in csv and out.number in csv and "در انتظار تصمیم" in csv
    xlsx = client.get(reverse("loan_list"), {"format": "xlsx"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == {waiting.number, out.number}


def test_a_requests_page_shows_its_eligibility_item_by_item(client: Any, world: dict[str, Any]) -> None:
    loan = applied(world)
    client.force_login(world["manager"])
    page = html(client, loan.get_absolute_url())
    for key in ("standing", "overdue", "ceiling", "budget", "one_open"):
        assert f'data-testid="check-{key}" data-ok="1"' in page, key
    licence = Licence.objects.get(institute__unit=world["institute"], is_current=True)
    licensing.decide(world["manager"], licence, licensing.DecisionData(
        kind="suspend", reason="بازدید", effective_until=dt.date(2027, 1, 1)))
    page = html(client, loan.get_absolute_url())
    assert 'data-testid="check-standing" data-ok="0"' in page and "پروانه معتبر ندارد" in page
    assert 'data-testid="action-approve"' in page and 'data-testid="action-reject"' in page


def test_each_role_sees_the_forms_of_its_steps_only(client: Any, world: dict[str, Any]) -> None:
    loan = applied(world)

    def forms(who: str) -> set[str]:
        client.force_login(world[who])
        return {name for name, _label, _form in client.get(loan.get_absolute_url()).context["actions"]}

    assert (forms("manager"), forms("hq_planner"), forms("expert"), forms("institute_manager")) == (
        {"approve", "reject"}, {"approve", "reject"}, set(), set())
    approved(world, loan)
    assert (forms("manager"), forms("expert")) == (set(), {"disburse"})
    services.disburse(world["expert"], loan, on=dt.date(2026, 11, 1), reference="P-1")
    assert (forms("expert"), forms("hq_planner"), forms("manager")) == (set(), {"declare_default"}, set())
    client.force_login(world["expert"])
    assert client.get(loan.get_absolute_url()).context["repayment_form"] is not None
    client.force_login(world["institute_manager"])
    assert client.get(loan.get_absolute_url()).context["repayment_form"] is None


def test_the_schedule_and_repayments_on_the_page(client: Any, world: dict[str, Any]) -> None:
    loan = paid_out(world)
    services.record_repayment(world["expert"], loan, on=dt.date(2026, 11, 20), amount=2_000_000, reference="BANK-9")
    client.force_login(world["institute_manager"])
    page = html(client, loan.get_absolute_url())
    assert page.count('data-testid="instalment-') == 24
    assert "۱۴۰۵/۰۹/۱۰" in page and "۱٬۶۶۶٬۶۶۷" in page  # the first due date and a grace month's interest
    assert 'data-testid="repayment-' in page and "BANK-9" in page and "قسط ۱: ۱٬۶۶۶٬۶۶۷ · " in page
    assert 'data-testid="schedule-total"' in page and "۵۰۰٬۰۰۰٬۰۰۰" in page


def test_documents_are_added_while_the_request_waits(client: Any, world: dict[str, Any]) -> None:
    loan = applied(world)

    def upload_form(who: str) -> bool:
        client.force_login(world[who])
        sections = client.get(loan.get_absolute_url()).context["sections"]
        return any(s.get("can_change") for _template, s in sections)

    assert (upload_form("expert"), upload_form("institute_manager"), upload_form("manager")) == (True, True, False)
    paid = paid_out(world, institute="neighbour")
    client.force_login(world["expert"])
    assert not any(s.get("can_change") for _t, s in client.get(paid.get_absolute_url()).context["sections"])


def test_the_overdue_list_and_its_export(client: Any, world: dict[str, Any]) -> None:
    from maharat.factories import today_is

    loan = paid_out(world)
    client.force_login(world["expert"])
    assert not client.get(reverse("loan_overdue_list")).context["object_list"]
    with today_is(dt.date(2027, 1, 5)):  # the first instalment 35 days late, the second 5
        client.force_login(world["expert"])  # a new day: the session of 44 days ago has expired
        rows = list(client.get(reverse("loan_overdue_list")).context["object_list"])
        assert [(r.number, r.days_late, r.remaining) for r in rows] == [(1, 35, 1_666_667), (2, 5, 1_666_667)]
        assert [r.number for r in client.get(reverse("loan_overdue_list"), {"late": "30"}).context["object_list"]] == [1]
        csv = b"".join(client.get(reverse("loan_overdue_list"), {"format": "csv"}).streaming_content).decode("utf-8-sig")
        lines = csv.strip().splitlines()
        assert len(lines) == 3 and loan.number in lines[1] and ",35," in lines[1] and ",5," in lines[2]
        client.force_login(world["other_expert"])
        assert not client.get(reverse("loan_overdue_list")).context["object_list"]


def test_programme_pages(client: Any, world: dict[str, Any]) -> None:
    approved(world, applied(world, amount=600_000_000))
    client.force_login(world["institute_manager"])
    page = html(client, world["programme"].get_absolute_url())
    assert "۹٬۴۰۰٬۰۰۰٬۰۰۰" in page  # what is left of 10 billion
    assert 'data-testid="edit"' not in page and "درخواست تسهیلات" in page
    client.force_login(world["hq_planner"])
    assert 'data-testid="edit"' in html(client, world["programme"].get_absolute_url())
    form = client.get(reverse("loan_programme_edit", args=[world["programme"].pk]))
    assert form.status_code == 200 and form.context["form"]["budget"].value() == 10_000_000_000
    listed = html(client, reverse("loan_programme_list"))
    assert "تسهیلات تجهیز کارگاه‌های آموزشگاه‌های آزاد" in listed


def test_the_english_page_has_latin_digits(client: Any, world: dict[str, Any]) -> None:
    loan = paid_out(world)
    client.force_login(world["expert"])
    page = client.get(loan.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert loan.number in page
