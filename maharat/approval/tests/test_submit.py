"""Submitting a month (issue 15): only a month that is over, only after confirming, and "on time" only when
it was. The clock reads maharat.factories.TODAY, 1405/09/01: Aban 1405 ended yesterday, Azar has just begun."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maharat.access.models import Account
from maharat.approval import services
from maharat.approval.models import PeriodReport, PeriodStatus
from maharat.factories import make_unit
from maharat.org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(django_user_model, today):  # type: ignore[no-untyped-def]
    center = make_unit(UnitKind.FIXED_CENTER, name="مرکز ارسال")
    head = django_user_model.objects.create_user("head-submit", password="submit-test-password")
    Account.objects.create(user=head, role="center_head", unit=center)
    manager = django_user_model.objects.create_user("manager-submit", password="submit-test-password")
    Account.objects.create(user=manager, role="provincial_manager", unit=Unit.objects.get(code="IR-26"))
    return {"center": center, "head": head, "manager": manager}


def submit_url(unit: Unit, month: int, year: int = 1405) -> str:
    return reverse("period_action", args=[unit.code, year, month, "submit"])


@pytest.mark.parametrize(("year", "month"), [(1405, 9), (1405, 10), (1406, 1)])
def test_the_current_month_and_months_to_come_cannot_be_sent(people, year, month) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        services.submit(user=people["head"], unit=people["center"], year=year, month=month)
    assert "هنوز به پایان نرسیده است" in exc.value.messages[0]
    assert not PeriodReport.objects.filter(status=PeriodStatus.SUBMITTED).exists()


def test_the_page_refuses_the_current_month_and_offers_no_button_for_it(client, people) -> None:  # type: ignore[no-untyped-def]
    client.force_login(people["head"])
    response = client.post(submit_url(people["center"], 9), {"confirm": "on"}, follow=True)
    assert "ماه آذر ۱۴۰۵ هنوز به پایان نرسیده است" in response.content.decode()
    assert not PeriodReport.objects.filter(status=PeriodStatus.SUBMITTED).exists()
    page = client.get(reverse("period_list", args=[people["center"].code]), {"year": 1405}).content.decode()
    assert 'data-testid="submit-8"' in page and 'data-testid="submit-9"' not in page


def test_sending_asks_for_confirmation(client, people) -> None:  # type: ignore[no-untyped-def]
    client.force_login(people["head"])
    response = client.post(submit_url(people["center"], 8), follow=True)
    assert "تأیید کنید که داده‌های این ماه کامل و درست است" in response.content.decode()
    assert not PeriodReport.objects.filter(status=PeriodStatus.SUBMITTED).exists()
    page = client.get(reverse("period_list", args=[people["center"].code]), {"year": 1405}).content.decode()
    form = page.split('data-testid="submit-8"')[1].split("</details>")[0]
    assert 'type="checkbox" name="confirm"' in form and "کامل و درست است" in form
    client.post(submit_url(people["center"], 8), {"confirm": "on"})
    assert PeriodReport.objects.get(unit=people["center"], year=1405, month=8).status == PeriodStatus.SUBMITTED


def months_timeliness(client, unit: Unit) -> list[str]:  # type: ignore[no-untyped-def]
    page = client.get(reverse("period_list", args=[unit.code]), {"year": 1405})
    return [row.timeliness for row in page.context["months"]]


def test_on_time_is_shown_only_when_it_was(client, people) -> None:  # type: ignore[no-untyped-def]
    center = people["center"]
    client.force_login(people["head"])
    assert months_timeliness(client, center)[7:9] == ["pending", "pending"]  # Aban not yet due, Azar to come
    client.post(submit_url(center, 8), {"confirm": "on"})
    assert months_timeliness(client, center)[7] == "on_time"
    services.return_for_correction(user=people["manager"], unit=center, year=1405, month=8, reason="ناقص")
    # Returned: no longer sent, so not "on time" however early the first sending was.
    assert months_timeliness(client, center)[7] == "pending"
    page = client.get(reverse("period_list", args=[center.code]), {"year": 1405}).content.decode()
    row = page.split("آبان ۱۴۰۵")[1].split("</tr>")[0]
    assert "به‌موقع" not in row
    # Sent again after the deadline: late.
    report = PeriodReport.objects.get(unit=center, year=1405, month=8)
    later = timezone.now() + dt.timedelta(days=20)
    services.submit(user=people["head"], unit=center, year=1405, month=8)
    PeriodReport.objects.filter(pk=report.pk).update(submitted_at=later)
    assert months_timeliness(client, center)[7] == "late"
