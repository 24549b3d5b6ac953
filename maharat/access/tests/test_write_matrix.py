"""Every write path × every role × a trainee inside and outside the role's scope (issue 12).

The expected answer of each role is written here by hand, not read from the permission table: a page's
edit form, the API's PATCH, an import row and the admin's change form must all agree with it, and the
stored record is what decides (a refused write leaves it as it was).
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from maharat.access.models import Account
from maharat.common import jalali
from maharat.exchange.services import start_import
from maharat.factories import TraineeFactory, make_unit
from maharat.org.factories import unit_for_role
from maharat.org.models import Unit, UnitKind
from maharat.people.models import Trainee

# role: (may change a trainee of its own scope, may change one of another province)
EXPECTED = {
    "hq_planner": (True, True),
    "hq_viewer": (False, False),
    "provincial_manager": (True, False),
    "provincial_expert": (True, False),
    "center_head": (True, False),
    "institute_manager": (True, False),
    "trainer": (False, False),
    "assessor": (False, False),
    "partner_viewer": (False, False),
}
CHANNELS = ("page", "api", "import", "admin")


def _trainee_at(home: Unit, county: Unit) -> Trainee:
    """A trainee the role's unit holds: registered there (a center below a province or HQ), or referred by it."""
    if home.kind in (UnitKind.HQ, UnitKind.PROVINCE, UnitKind.PARTNER):
        center = make_unit(UnitKind.FIXED_CENTER, parent=county)
        return TraineeFactory(registered_unit=center, referred_by=home if home.kind == UnitKind.PARTNER else None)
    return TraineeFactory(registered_unit=home)


def _page(client, trainee: Trainee) -> None:  # type: ignore[no-untyped-def]
    client.post(reverse("trainee_update", args=[trainee.pk]), {
        "national_code": trainee.national_code, "first_name": trainee.first_name, "last_name": "تغییریافته",
        "sex": trainee.sex, "birth_date": jalali.format_date(trainee.birth_date, persian_digits=False),
        "residence": trainee.residence, "nationality": trainee.nationality,
        "registered_unit": trainee.registered_unit.code})


def _api(client, trainee: Trainee) -> None:  # type: ignore[no-untyped-def]
    client.patch(f"/api/v1/trainees/{trainee.pk}/", {"last_name": "تغییریافته"}, content_type="application/json")


def _import(user, trainee: Trainee) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    csv.writer(out).writerows([
        ["کد ملی", "نام", "نام خانوادگی", "جنسیت", "تاریخ تولد", "محل سکونت", "کد واحد ثبت‌کننده"],
        [trainee.national_code, trainee.first_name, "تغییریافته", "زن",
         jalali.format_date(trainee.birth_date, persian_digits=False), "شهری", trainee.registered_unit.code]])
    try:
        start_import(user=user, kind="trainees", file_name="t.csv", data=out.getvalue().encode(), dry_run=False,
                     background=False)
    except Exception as exc:  # a role without import rights is refused before reading: that is a refusal
        assert "اجازه" in str(exc)


def _admin(client, trainee: Trainee) -> None:  # type: ignore[no-untyped-def]
    url = f"/admin/people/trainee/{trainee.pk}/change/"
    page = client.get(url)
    if page.status_code != 200:
        client.post(url, {"last_name": "تغییریافته"})
        return
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        if isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
            continue
        data[name] = "" if value is None else str(getattr(value, "pk", value))
    data["last_name"] = "تغییریافته"
    client.post(url, data)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_changes_a_trainee_exactly_where_it_may(client, django_user_model, role, channel) -> None:  # type: ignore[no-untyped-def]
    county = make_unit(UnitKind.COUNTY, parent=Unit.objects.get(code="IR-26"), name="آبیک")
    home = unit_for_role(role, county)
    user = django_user_model.objects.create_user(f"m-{role}", password="matrix-password-1", is_staff=channel == "admin")
    Account.objects.create(user=user, role=role, unit=home)
    tehran_center = make_unit(UnitKind.FIXED_CENTER, parent=make_unit(UnitKind.COUNTY, parent=Unit.objects.get(code="IR-23"),
                                                                      name="ری"))
    inside, outside = _trainee_at(home, county), TraineeFactory(registered_unit=tehran_center)
    client.force_login(user)
    for trainee, expected in zip((inside, outside), EXPECTED[role], strict=True):
        before = trainee.last_name
        {"page": lambda t: _page(client, t), "api": lambda t: _api(client, t), "import": lambda t: _import(user, t),
         "admin": lambda t: _admin(client, t)}[channel](trainee)
        trainee.refresh_from_db()
        where = "inside" if trainee is inside else "outside"
        assert (trainee.last_name == "تغییریافته") is expected, f"{role} {channel} {where}: {before} -> {trainee.last_name}"
        assert trainee.registered_unit_id in (inside.registered_unit_id, tehran_center.pk)
