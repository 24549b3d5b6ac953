"""Who may do what with a follow-up item, inside and outside their subtree: every answer written here by hand,
then asked of the pages as each role would (an item outside one's reach is 404, an action one's role or side
may not take is 403, nothing changes on either), and of the declarations.

Items (conftest): "mine" Qazvin raised for its center; "from_hq" HQ raised for the same center; "province"
HQ raised for Qazvin itself; "far" the other province raised for its own center.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from maharat.access import records
from maharat.followup import services
from maharat.followup.models import FollowUp, FollowUpStatus

from .conftest import raised

pytestmark = pytest.mark.django_db

OK = "ok"  # done: the page redirects to the item, whose status moved
FORM = "form"  # the form comes back with an error, nothing saved

# create: (owner = the Qazvin center, owner = the far center)
# respond, verify, reject: (on "mine", on "far"); cancel: (on "mine", on "from_hq", on "far")
# detail: (page of "mine", page of "far"); list: status, then whether "mine" and "far" are listed
HAND: dict[str, dict[str, tuple[Any, ...]]] = {
    "hq_planner": {"create": (OK, OK), "respond": (403, 403), "verify": (OK, OK), "reject": (OK, OK),
                   "cancel": (OK, OK, OK), "detail": (200, 200), "list": (200, True, True)},
    "hq_viewer": {"create": (403, 403), "respond": (403, 403), "verify": (403, 403), "reject": (403, 403),
                  "cancel": (403, 403, 403), "detail": (200, 200), "list": (200, True, True)},
    "manager": {"create": (OK, FORM), "respond": (403, 404), "verify": (OK, 404), "reject": (OK, 404),
                "cancel": (OK, 403, 404), "detail": (200, 404), "list": (200, True, False)},
    "expert": {"create": (OK, FORM), "respond": (403, 404), "verify": (403, 404), "reject": (403, 404),
               "cancel": (403, 403, 404), "detail": (200, 404), "list": (200, True, False)},
    "head": {"create": (403, 403), "respond": (OK, 404), "verify": (403, 404), "reject": (403, 404),
             "cancel": (403, 403, 404), "detail": (200, 404), "list": (200, True, False)},
    "branch_head": {"create": (403, 403), "respond": (404, 404), "verify": (404, 404), "reject": (404, 404),
                    "cancel": (404, 404, 404), "detail": (404, 404), "list": (200, False, False)},
    "neighbour_head": {"create": (403, 403), "respond": (404, 404), "verify": (404, 404), "reject": (404, 404),
                       "cancel": (404, 404, 404), "detail": (404, 404), "list": (200, False, False)},
    "institute_manager": {"create": (403, 403), "respond": (404, 404), "verify": (404, 404), "reject": (404, 404),
                          "cancel": (404, 404, 404), "detail": (404, 404), "list": (200, False, False)},
    "trainer": {"create": (403, 403), "respond": (403, 403), "verify": (403, 403), "reject": (403, 403),
                "cancel": (403, 403, 403), "detail": (403, 403), "list": (403, False, False)},
    "assessor": {"create": (403, 403), "respond": (403, 403), "verify": (403, 403), "reject": (403, 403),
                 "cancel": (403, 403, 403), "detail": (403, 403), "list": (403, False, False)},
    "partner_viewer": {"create": (403, 403), "respond": (403, 403), "verify": (403, 403), "reject": (403, 403),
                       "cancel": (403, 403, 403), "detail": (403, 403), "list": (403, False, False)},
    "other_manager": {"create": (FORM, OK), "respond": (404, 403), "verify": (404, OK), "reject": (404, OK),
                      "cancel": (404, 404, OK), "detail": (404, 200), "list": (200, False, True)},
    "far_head": {"create": (403, 403), "respond": (404, OK), "verify": (404, 403), "reject": (404, 403),
                 "cancel": (404, 404, 403), "detail": (404, 200), "list": (200, False, True)},
}

AFTER = {"respond": FollowUpStatus.SUBMITTED, "verify": FollowUpStatus.CLOSED, "reject": FollowUpStatus.OPEN,
         "cancel": FollowUpStatus.CANCELLED}
TARGETS = {"respond": ("mine", "far"), "verify": ("mine", "far"), "reject": ("mine", "far"),
           "cancel": ("mine", "from_hq", "far")}
# The role letters as the permission matrix would write them (v view, a add, c change, u respond, y verify,
# n cancel).
LETTERS = {"hq_planner": "vacyn", "hq_viewer": "v", "provincial_manager": "vacuyn", "provincial_expert": "vac",
           "center_head": "vcu", "institute_manager": "vcu", "trainer": "", "assessor": "", "partner_viewer": ""}
LETTER = {"view": "v", "add": "a", "change": "c", "respond": "u", "verify": "y", "cancel": "n", "delete": "d"}


def test_the_declaration_is_the_hand_written_row() -> None:
    declared = records.kinds()["followup"]
    for role, letters in LETTERS.items():
        got = "".join(sorted(LETTER[a] for a in declared.roles.get(role, ())))
        assert got == "".join(sorted(letters)), role


def _post(client: Any, item: FollowUp, action: str) -> int:
    note = {"note": "انجام شد و مستندات پیوست است" if action == "respond" else "دلیل تصمیم"}
    return client.post(reverse("followup_transition", args=[item.pk, action]), note).status_code


@pytest.mark.parametrize("role", list(HAND))
@pytest.mark.parametrize("action", ["respond", "verify", "reject", "cancel"])
def test_transitions(client: Any, world: dict[str, Any], items: dict[str, FollowUp], role: str, action: str) -> None:
    if action in ("verify", "reject"):  # the owners have answered: there is something to decide
        services.respond(world["head"], items["mine"], "نصب شد")
        services.respond(world["far_head"], items["far"], "نصب شد")
    client.force_login(world[role])
    for target, want in zip(TARGETS[action], HAND[role][action], strict=True):
        item = items[target]
        before = FollowUp.objects.get(pk=item.pk).status
        status = _post(client, item, action)
        now = FollowUp.objects.get(pk=item.pk).status
        if want == OK:
            assert (status, now) == (302, AFTER[action]), (role, action, target)
        else:
            assert (status, now) == (want, before), (role, action, target)


@pytest.mark.parametrize("role", list(HAND))
def test_create_inside_and_outside(client: Any, world: dict[str, Any], role: str) -> None:
    client.force_login(world[role])
    for owner, want in zip(("center", "far_center"), HAND[role]["create"], strict=True):
        title = f"پیگیری {role} برای {owner}"
        response = client.post(reverse("followup_create"), {
            "owner_unit": world[owner].code, "title": title, "working_days": "۵"})
        made = FollowUp.objects.filter(title=title)
        if want == OK:
            assert response.status_code == 302 and made.count() == 1, (role, owner, response.status_code)
            assert made.get().owner_unit == world[owner]
        elif want == FORM:
            assert response.status_code == 200 and not made.exists(), (role, owner)
            assert "واحدی با این کد در حوزه شما نیست" in response.content.decode()
        else:
            assert response.status_code == want and not made.exists(), (role, owner, response.status_code)


@pytest.mark.parametrize("role", list(HAND))
def test_detail_and_list(client: Any, world: dict[str, Any], items: dict[str, FollowUp], role: str) -> None:
    client.force_login(world[role])
    for target, want in zip(("mine", "far"), HAND[role]["detail"], strict=True):
        assert client.get(items[target].get_absolute_url()).status_code == want, (role, target)
    status, sees_mine, sees_far = HAND[role]["list"]
    response = client.get(reverse("followup_list"), {"tab": "all"})
    assert response.status_code == status
    if status == 200:
        listed = set(response.context["object_list"])
        assert (items["mine"] in listed, items["far"] in listed) == (sees_mine, sees_far), role
        # Searching for the far item by its title does not find it from outside either.
        found = set(client.get(reverse("followup_list"), {"tab": "all", "q": "استان دیگر"}).context["object_list"])
        assert (items["far"] in found) == sees_far


def test_a_province_answers_what_hq_asked_of_it_and_cannot_close_it_itself(world: dict[str, Any],
                                                                           items: dict[str, FollowUp]) -> None:
    from django.core.exceptions import PermissionDenied

    item = services.respond(world["manager"], items["province"], "برنامه بازنگری شد")
    assert item.status == FollowUpStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.verify(world["manager"], item)
    with pytest.raises(PermissionDenied):
        services.cancel(world["manager"], item, "دیگر لازم نیست")
    assert services.verify(world["hq_planner"], item).status == FollowUpStatus.CLOSED


def test_nobody_raises_an_item_for_their_own_unit_nor_for_hq(client: Any, world: dict[str, Any]) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):  # a province does not set its own corrective actions
        raised(world, "manager", "qazvin")
    client.force_login(world["manager"])
    page = client.post(reverse("followup_create"), {"owner_unit": "IR-26", "title": "خودم", "working_days": "3"})
    assert page.status_code == 200 and "نه به واحد خودتان" in page.content.decode()
    with pytest.raises(ValidationError) as refused:  # HQ owes nothing: nobody above it could verify
        raised(world, "hq_planner", "hq")
    assert "owner_unit" in refused.value.message_dict
    with pytest.raises(ValidationError):  # nor does a county or a partner: nobody there could answer
        raised(world, "hq_planner", "partner")
    assert not FollowUp.objects.exists()


def test_the_owner_person_must_answer_at_the_owner_unit(world: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError

    for outsider in ("neighbour_head", "branch_head", "trainer", "far_head"):
        with pytest.raises(ValidationError) as refused:
            raised(world, "manager", "center", owner_person=world[outsider])
        assert "owner_person" in refused.value.message_dict, outsider
    item = raised(world, "manager", "center", owner_person=world["head"])
    assert item.owner_person == world["head"]


def test_the_people_chooser_offers_only_the_owner_units_answerers(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["manager"])
    html = client.get(reverse("followup_people"), {"owner_unit": world["center"].code}).content.decode()
    assert f'value="{world["head"].pk}"' in html
    assert f'value="{world["trainer"].pk}"' not in html  # a trainer does not answer items
    assert f'value="{world["branch_head"].pk}"' not in html  # the branch below is another unit
    far = client.get(reverse("followup_people"), {"owner_unit": world["far_center"].code}).content.decode()
    assert f'value="{world["far_head"].pk}"' not in far  # another province's people are not listed
    client.force_login(world["head"])
    assert client.get(reverse("followup_people"), {"owner_unit": world["center"].code}).status_code == 403


def test_the_buttons_are_the_actions_the_user_may_take(client: Any, world: dict[str, Any],
                                                       items: dict[str, FollowUp]) -> None:
    item = items["mine"]
    client.force_login(world["head"])
    assert [n for n, _label in client.get(item.get_absolute_url()).context["actions"]] == ["respond"]
    client.force_login(world["manager"])
    assert [n for n, _label in client.get(item.get_absolute_url()).context["actions"]] == ["cancel"]
    services.respond(world["head"], item, "انجام شد")
    assert sorted(n for n, _label in client.get(item.get_absolute_url()).context["actions"]) == [
        "cancel", "reject", "verify"]
    client.force_login(world["expert"])
    assert client.get(item.get_absolute_url()).context["actions"] == []
