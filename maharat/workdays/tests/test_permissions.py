"""Who may do what with the calendar, role by role, written out by hand; and what each write leaves in the trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from maharat.access.records import kinds
from maharat.audit.models import AuditAction, AuditEntry
from maharat.workdays import services
from maharat.workdays.models import Holiday

from .conftest import ROLES

pytestmark = pytest.mark.django_db

# The hand-written row of the permission matrix: every role reads the calendar; only HQ's planners keep it.
HAND = {"hq_planner": "vacd", "hq_viewer": "v", "provincial_manager": "v", "provincial_expert": "v",
        "center_head": "v", "institute_manager": "v", "trainer": "v", "assessor": "v", "partner_viewer": "v"}
LETTER = {"view": "v", "add": "a", "change": "c", "delete": "d"}
ARBAEEN_1406 = dt.date(2027, 7, 25)
A_WORKING_DAY = dt.date(2027, 7, 27)  # Tuesday 1406/05/05


def test_the_declaration_is_the_hand_written_row() -> None:
    declared = kinds()["holiday"].roles
    assert {role: "".join(sorted(LETTER[a] for a in declared.get(role, ()))) for role in ROLES} == {
        role: "".join(sorted(letters)) for role, letters in HAND.items()}


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_calendar_and_only_the_planner_sees_the_forms(role, account, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(account(role))
    page = client.get(reverse("workdays_calendar"), {"year": 1406})
    assert page.status_code == 200
    html = page.content.decode()
    keeps = role == "hq_planner"
    assert ('data-testid="add-form"' in html) is keeps
    assert ('data-testid="confirm-' in html) is keeps  # 1406's lunar holidays are unconfirmed: buttons shown
    assert ('data-testid="delete-' in html) is keeps
    assert (reverse("holiday_update", args=[Holiday.objects.get(date=ARBAEEN_1406).pk]) in html) is keeps
    assert 'href="/calendar/"' in client.get(reverse("home")).content.decode()  # the menu entry


EXPECTED_WRITE = {"hq_planner": 302, "hq_viewer": 403, "provincial_manager": 403, "provincial_expert": 403,
                  "center_head": 403, "institute_manager": 403, "trainer": 403, "assessor": 403,
                  "partner_viewer": 403}


@pytest.mark.parametrize("role", ROLES)
def test_writes_by_role(role, account, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(account(role))
    arbaeen = Holiday.objects.get(date=ARBAEEN_1406)
    before = list(Holiday.objects.order_by("pk").values_list("date", "title", "confirmed"))
    expected = EXPECTED_WRITE[role]

    added = client.post(reverse("holiday_create"), {"date": "1406/05/05", "title": "تعطیل آزمایشی", "kind": "special"})
    assert added.status_code == expected
    assert client.get(reverse("holiday_create")).status_code == (200 if expected == 302 else 403)
    assert client.get(reverse("holiday_update", args=[arbaeen.pk])).status_code == (200 if expected == 302 else 403)
    edited = client.post(reverse("holiday_update", args=[arbaeen.pk]),
                         {"date": "1406/05/04", "title": "اربعین حسینی", "title_en": "Arbaeen", "kind": "lunar"})
    assert edited.status_code == expected
    confirmed = client.post(reverse("holiday_confirm", args=[Holiday.objects.get(title="تاسوعای حسینی",
                                                                                 date__year=2027).pk]))
    assert confirmed.status_code == expected
    deleted = client.post(reverse("holiday_delete", args=[Holiday.objects.get(date=dt.date(2027, 8, 3)).pk]))
    assert deleted.status_code == expected

    if expected == 302:
        assert Holiday.objects.filter(date=A_WORKING_DAY, kind="special").exists()
        assert Holiday.objects.filter(date=dt.date(2027, 7, 26), title_en="Arbaeen").exists()
        assert Holiday.objects.get(title="تاسوعای حسینی", date__year=2027).confirmed
        assert not Holiday.objects.filter(date=dt.date(2027, 8, 3)).exists()
    else:  # refused before anything was written or logged
        assert list(Holiday.objects.order_by("pk").values_list("date", "title", "confirmed")) == before
        assert not AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Holiday)).exists()


def test_confirm_and_delete_answer_only_post(planner, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner)
    pk = Holiday.objects.get(date=ARBAEEN_1406).pk
    assert client.get(reverse("holiday_confirm", args=[pk])).status_code == 405
    assert client.get(reverse("holiday_delete", args=[pk])).status_code == 405
    assert Holiday.objects.filter(pk=pk, confirmed=False).exists()


def test_signed_out_and_roleless_users_are_refused(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    assert client.get(reverse("workdays_calendar")).status_code == 302  # to the sign-in page
    client.force_login(django_user_model.objects.create_user("no-role", password="calendar-test-password"))
    assert client.get(reverse("workdays_calendar")).status_code == 403


def test_the_services_refuse_other_roles_too(account) -> None:  # type: ignore[no-untyped-def]
    viewer = account("hq_viewer")
    arbaeen = Holiday.objects.get(date=ARBAEEN_1406)
    with pytest.raises(PermissionDenied):
        services.holiday_create(user=viewer, date=A_WORKING_DAY, title="x", kind="special")
    with pytest.raises(PermissionDenied):
        services.holiday_confirm(user=viewer, holiday=arbaeen)
    with pytest.raises(PermissionDenied):
        services.holiday_delete(user=viewer, holiday=arbaeen)
    assert Holiday.objects.filter(pk=arbaeen.pk, confirmed=False).exists()
    assert not Holiday.objects.filter(date=A_WORKING_DAY).exists()


def test_every_write_is_in_the_trail_with_old_and_new_values(planner) -> None:  # type: ignore[no-untyped-def]
    holiday_type = ContentType.objects.get_for_model(Holiday)
    added = services.holiday_create(user=planner, date=A_WORKING_DAY, title="عزای عمومی", kind="special")
    services.holiday_update(user=planner, holiday=added, date=dt.date(2027, 7, 28), title_en="National mourning")
    arbaeen = Holiday.objects.get(date=ARBAEEN_1406)
    services.holiday_confirm(user=planner, holiday=arbaeen)
    added_pk = added.pk
    services.holiday_delete(user=planner, holiday=added)
    trail = list(AuditEntry.objects.filter(content_type=holiday_type).order_by("pk"))
    assert [e.action for e in trail] == [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.UPDATE, AuditAction.DELETE]
    assert all(e.username == "wd-hq_planner" and e.unit is None for e in trail)
    create, move, confirm, delete = trail
    assert create.changes["date"] == [None, "2027-07-27"] and create.changes["title"] == [None, "عزای عمومی"]
    assert create.changes["created_by_id"] == [None, planner.pk]
    assert move.changes["date"] == ["2027-07-27", "2027-07-28"]
    assert move.changes["title_en"] == ["", "National mourning"]
    assert confirm.object_id == str(arbaeen.pk) and confirm.changes["confirmed"] == [False, True]
    assert delete.changes["date"] == ["2027-07-28", None] and delete.object_id == str(added_pk)
    arbaeen.refresh_from_db()
    assert arbaeen.updated_by == planner
