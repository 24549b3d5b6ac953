"""The permission matrix: role × kind of record × action, written here by hand (HAND), never read back from
the apps' declarations; the declarations must give exactly this table, and the pages must behave by it.

For every role an account is attached to a unit; records are created inside its reach ("mine") and in
another province ("foreign"). Each page is requested and the status compared with what the table and the
scope rule say: 403 when the role may not act at all, 404 outside its subtree (nothing is revealed),
200 otherwise. Lists and search must not show foreign records.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from maharat.access import records
from maharat.access.models import Account
from maharat.access.roles import Role
from maharat.factories import (
    CourseRunFactory,
    EnrollmentFactory,
    TraineeFactory,
    TrainerFactory,
    WorkshopFactory,
    make_unit,
)
from maharat.org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db

KINDS = ["unit", "standard", "trainee", "trainer", "workshop", "courserun", "enrollment"]
URL = {"unit": "unit", "standard": "standard", "trainee": "trainee", "trainer": "trainer", "workshop": "workshop",
       "courserun": "courserun", "enrollment": "enrollment"}
NATIONAL = (Role.HQ_PLANNER, Role.HQ_VIEWER)

# v view, a add, c change, d delete; period: s submit, p approve, r return, A accept, g grant, x close;
# assessment: R revoke; follow-ups: u respond, y verify, n cancel; licences: k check documents, i inspect, D decide
# (board), L rule on an appeal, P appeal; purchase contracts: S sign, I issue an invoice, $ pay;
# loans: b disburse, l collect a repayment, f declare default, w write off; supervision: x close a visit's file,
# n cancel a visit, D decide a sanction proposal.
HAND: dict[str, dict[str, str]] = {
    "hq_planner": {"unit": "vacd", "standard": "vacd", "trainee": "vacd", "trainer": "vacd", "workshop": "vacd",
                   "courserun": "vacd", "enrollment": "vacd", "period": "vArgx", "audit": "v", "commitment": "vacd",
                   "monitoring": "v", "assessment": "vacR", "account": "vac", "holiday": "vacd", "followup": "vacyn",
                   "licence": "vackiDL", "purchase": "vacSxnIp$", "employmentevidence": "vacd", "tuition": "vacd",
                   "loan": "vDfw", "loanprogramme": "vac", "visit": "v", "checklist": "vac",
                   "sanctionproposal": "vD", "complaint": "v"},
    "hq_viewer": {k: "v" for k in ("unit", "standard", "trainee", "trainer", "workshop", "courserun", "enrollment",
                                    "period", "audit", "commitment", "monitoring", "assessment", "holiday", "followup",
                                    "licence", "purchase", "employmentevidence", "tuition", "loan", "loanprogramme",
                                    "visit", "checklist", "sanctionproposal", "complaint")},
    "provincial_manager": {"unit": "vacd", "standard": "v", "trainee": "vacd", "trainer": "vacd", "workshop": "vacd",
                           "courserun": "vacd", "enrollment": "vacd", "period": "vprg", "audit": "v",
                           "commitment": "vacd", "monitoring": "v", "assessment": "vacR", "account": "vac",
                           "holiday": "v", "followup": "vacuyn", "licence": "vackiD",
                           "purchase": "vacSxnIp$", "employmentevidence": "vacd", "tuition": "v", "loan": "vD",
                           "loanprogramme": "v", "visit": "vacxn", "checklist": "v", "sanctionproposal": "vD",
                           "complaint": "vc"},
    "provincial_expert": {"unit": "v", "standard": "v", "trainee": "vacd", "trainer": "vacd", "workshop": "vacd",
                          "courserun": "vacd", "enrollment": "vacd", "period": "v", "commitment": "v",
                          "monitoring": "v", "assessment": "vac", "holiday": "v", "followup": "vac",
                          "licence": "vacki", "purchase": "vacI", "employmentevidence": "vacd", "tuition": "v",
                          "loan": "vacbl", "loanprogramme": "v", "visit": "vacxn", "checklist": "v",
                          "sanctionproposal": "v"},
    "center_head": {"unit": "v", "standard": "v", "trainee": "vacd", "trainer": "vc", "workshop": "vacd",
                    "courserun": "vacd", "enrollment": "vacd", "period": "vs", "audit": "v", "commitment": "v",
                    "monitoring": "v", "assessment": "vac", "holiday": "v", "followup": "vcu",
                    "tuition": "v"},
    "institute_manager": {"unit": "v", "standard": "v", "trainee": "vacd", "trainer": "vac", "workshop": "vacd",
                          "courserun": "vacd", "enrollment": "vacd", "period": "vs", "commitment": "v",
                          "monitoring": "v", "holiday": "v", "followup": "vcu", "licence": "vacP",
                          "purchase": "v", "tuition": "v", "loan": "vac", "loanprogramme": "v", "visit": "v",
                          "complaint": "v"},
    "trainer": {"unit": "v", "standard": "v", "trainee": "v", "courserun": "v", "enrollment": "vc", "workshop": "v",
                "trainer": "v", "holiday": "v"},
    "assessor": {"unit": "v", "standard": "v", "trainee": "v", "courserun": "v", "enrollment": "v",
                 "assessment": "vacR", "holiday": "v"},
    "partner_viewer": {"standard": "v", "trainee": "v", "enrollment": "v", "courserun": "v", "holiday": "v"},
}
LETTER = {"view": "v", "add": "a", "change": "c", "delete": "d", "submit": "s", "approve": "p", "return": "r",
          "accept": "A", "grant": "g", "close": "x", "revoke": "R", "respond": "u", "verify": "y", "cancel": "n", "check": "k", "inspect": "i", "decide": "D", "rule": "L",
          "appeal": "P", "sign": "S", "issue": "I", "pay": "$",
          "disburse": "b", "collect": "l", "default": "f", "write_off": "w"}


def allowed(role: str, kind: str, action: str) -> bool:
    return LETTER[action] in HAND[role].get(kind, "")


def test_the_declarations_give_exactly_the_hand_written_matrix() -> None:
    declared = records.kinds()
    assert set(declared) == {k for row in HAND.values() for k in row}
    for role in Role:
        for name, kind in declared.items():
            got = "".join(sorted(LETTER[a] for a in kind.roles.get(role, ())))
            assert got == "".join(sorted(HAND[role].get(name, ""))), (role, name)


def unit_for(role: str) -> Unit:
    qazvin = Unit.objects.get(code="IR-26")
    if role in NATIONAL:
        return Unit.objects.get(code="IR")
    if role in (Role.PROVINCIAL_MANAGER, Role.PROVINCIAL_EXPERT):
        return qazvin
    if role == Role.INSTITUTE_MANAGER:
        return make_unit(UnitKind.FREE_INSTITUTE, name="آموزشگاه آزمون")
    if role == Role.PARTNER_VIEWER:
        return make_unit(UnitKind.PARTNER, parent=qazvin, name="کمیته امداد آزمون", partner_type="relief")
    return make_unit(UnitKind.FIXED_CENTER, name="مرکز آزمون")


def records_at(unit: Unit, *, referred_by: Unit | None = None) -> dict[str, object]:
    """One record of each kind that belongs to `unit` (for a partner: referred by it)."""
    from maharat.catalog.models import Standard

    where = unit if unit.kind not in (UnitKind.HQ, UnitKind.PROVINCE, UnitKind.PARTNER) else make_unit()
    trainee = TraineeFactory(registered_unit=where, referred_by=referred_by)
    run = CourseRunFactory(unit=where)
    return {
        "unit": unit if unit.kind != UnitKind.PARTNER else where,
        "standard": Standard.objects.first(),
        "trainee": trainee,
        "trainer": TrainerFactory(home_unit=where),
        "workshop": WorkshopFactory(unit=where),
        "courserun": run,
        "enrollment": EnrollmentFactory(course_run=run, trainee=trainee),
    }


def key(obj: object) -> object:
    return obj.code if isinstance(obj, Unit) else obj.pk  # type: ignore[attr-defined]


def expected(role: str, kind: str, action: str, in_scope: bool) -> int:
    if not allowed(role, kind, action):
        return 403
    if kind == "standard" or role in NATIONAL:
        return 200
    return 200 if in_scope else 404


def test_the_committed_docs_are_the_declarations() -> None:
    from pathlib import Path

    from maharat.access.matrix import markdown

    doc = Path(__file__).resolve().parents[3] / "docs" / "permissions.md"
    assert doc.read_text(encoding="utf-8") == markdown(), "run `maharat permission-matrix --write`"


@pytest.mark.parametrize("role", list(Role))
def test_matrix(role: str, client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    home = unit_for(role)
    user = django_user_model.objects.create_user(f"u-{role}", password="matrix-password-1")
    Account.objects.create(user=user, role=role, unit=home)
    client.force_login(user)
    mine = records_at(home, referred_by=home if role == Role.PARTNER_VIEWER else None)
    ea_center = make_unit(UnitKind.FIXED_CENTER, parent=make_unit(UnitKind.COUNTY, parent=Unit.objects.get(code="IR-03"), name="تبریز"), name="مرکز تبریز")
    foreign = records_at(ea_center)
    problems = []

    def check(label: str, url: str, want: int) -> None:
        got = client.get(url).status_code
        if got != want:
            problems.append(f"{label}: {url} gave {got}, expected {want}")

    for kind in KINDS:
        if role == Role.PARTNER_VIEWER and kind in ("unit", "trainer", "workshop"):
            in_mine = False  # a partner sees only people it referred and their training
        else:
            in_mine = True
        check(f"{kind} list", reverse(f"{URL[kind]}_list"), expected(role, kind, "view", True))
        if kind != "enrollment":
            check(f"{kind} add", reverse(f"{URL[kind]}_create"), expected(role, kind, "add", True))
        check(f"{kind} mine", reverse(f"{URL[kind]}_detail", args=[key(mine[kind])]), expected(role, kind, "view", in_mine))
        check(f"{kind} foreign", reverse(f"{URL[kind]}_detail", args=[key(foreign[kind])]),
              expected(role, kind, "view", kind == "standard"))
        # A unit's own record (here: the account's own unit) belongs to its parent: nobody below HQ edits it.
        own_root = kind == "unit" and mine[kind] == home and role not in NATIONAL
        check(f"{kind} edit mine", reverse(f"{URL[kind]}_update", args=[key(mine[kind])]),
              403 if own_root and allowed(role, kind, "change") else expected(role, kind, "change", in_mine))
        check(f"{kind} edit foreign", reverse(f"{URL[kind]}_update", args=[key(foreign[kind])]),
              expected(role, kind, "change", kind == "standard"))
        # Lists and search never show what lies outside the subtree.
        if allowed(role, kind, "view") and kind not in ("standard",) and role not in NATIONAL:
            listed = client.get(reverse(f"{URL[kind]}_list"), {"q": search_term(foreign[kind])})
            if foreign[kind] in list(listed.context["object_list"]):
                problems.append(f"{kind}: foreign record found through search")
    assert not problems, "\n".join(problems)


def search_term(obj: object) -> str:
    for attr in ("national_code", "code", "name"):
        if hasattr(obj, attr):
            return str(getattr(obj, attr))
    return str(obj.pk)  # type: ignore[attr-defined]


def test_posting_a_change_to_another_provinces_record_is_refused(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user("qz", password="matrix-password-1")
    Account.objects.create(user=user, role=Role.PROVINCIAL_MANAGER, unit=Unit.objects.get(code="IR-26"))
    client.force_login(user)
    ea = make_unit(UnitKind.FIXED_CENTER, parent=make_unit(UnitKind.COUNTY, parent=Unit.objects.get(code="IR-03"), name="مراغه"))
    trainee = TraineeFactory(registered_unit=ea, last_name="تبریزی")
    response = client.post(reverse("trainee_update", args=[trainee.pk]), {"last_name": "تغییرداده"})
    assert response.status_code == 404
    trainee.refresh_from_db()
    assert trainee.last_name == "تبریزی"


def test_creating_a_record_in_another_province_is_refused(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    from maharat.people.models import Trainee

    user = django_user_model.objects.create_user("qz2", password="matrix-password-1")
    Account.objects.create(user=user, role=Role.PROVINCIAL_EXPERT, unit=Unit.objects.get(code="IR-26"))
    client.force_login(user)
    ea = make_unit(UnitKind.FIXED_CENTER, parent=make_unit(UnitKind.COUNTY, parent=Unit.objects.get(code="IR-03"), name="مرند"))
    response = client.post(reverse("trainee_create"), {
        "national_code": "0499370899", "first_name": "الف", "last_name": "ب", "sex": "M", "birth_date": "1370/01/01",
        "residence": "urban", "nationality": "iranian", "registered_unit": ea.code,
    })
    assert response.status_code == 200
    # A unit outside the user's scope is answered exactly like a code that does not exist.
    assert "واحد آموزشی با این کد وجود ندارد." in response.content.decode()
    assert not Trainee.objects.filter(national_code="0499370899").exists()


def test_a_user_without_an_account_sees_nothing(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    client.force_login(django_user_model.objects.create_user("nobody", password="matrix-password-1"))
    TraineeFactory()
    assert client.get(reverse("trainee_list")).status_code == 403
    assert client.get("/").status_code == 200
