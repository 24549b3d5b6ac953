"""Indirect paths to someone else's records, tried as an attacker would (issue 12).

Two provinces: Qazvin (the attacker's) and Tehran (the victim's). Every expected answer is written here,
never read back from the permission layer. The rule each test proves:
- an import finds a stored record by its key, but changes it only where the importer may change it, and
  says so before comparing anything (no "unchanged" versus "updated" for someone else's record);
- references in a file or a form (a unit, a course run, a trainer, a workshop, a test) resolve only inside
  the user's scope, with exactly the message of a code that does not exist;
- enrolling (or registering for a test) someone registered elsewhere needs their birth date with the
  national code; without it, or with a wrong one, the answer is byte for byte that of an unknown code,
  and failed tries are limited;
- a unit's own record belongs to its parent: a province cannot rename itself or move its units away;
- a record's history names only the people of the viewer's own subtree.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from maharat.access.models import Account
from maharat.audit.models import AuditEntry
from maharat.exchange.services import start_import
from maharat.factories import (
    CourseRunFactory,
    EnrollmentFactory,
    TraineeFactory,
    TrainerFactory,
    WorkshopFactory,
    make_unit,
    national_code,
)
from maharat.org.models import Unit, UnitKind
from maharat.people.models import Trainee
from maharat.people.selectors import IDENTITY_TRIES_PER_HOUR
from maharat.training.models import CourseRun, Enrollment, Workshop

UNKNOWN_TRAINEE = (
    "کارآموزی با این کد ملی در حوزه شما ثبت نشده است؛ اگر در واحد دیگری ثبت شده، تاریخ تولدش را هم بنویسید تا "
    "هویتش تأیید شود، وگرنه ابتدا او را ثبت کنید."
)
OUTSIDE = "این کد متعلق به رکوردی خارج از حوزه شماست و با ورود داده تغییر نمی‌کند."
UNKNOWN_UNIT = "واحدی با این کد (از نوع مناسب) وجود ندارد."
BORN = dt.date(1995, 5, 5)  # the factories' birth date
BORN_JALALI = "1374/02/15"


@pytest.fixture
def world(db, django_user_model):  # type: ignore[no-untyped-def]
    qazvin, tehran = Unit.objects.get(code="IR-26"), Unit.objects.get(code="IR-23")
    qz_center = make_unit(UnitKind.FIXED_CENTER, parent=make_unit(UnitKind.COUNTY, parent=qazvin, name="تاکستان"))
    th_county = make_unit(UnitKind.COUNTY, parent=tehran, name="ری")
    th_center = make_unit(UnitKind.FIXED_CENTER, parent=th_county)
    users = {}
    for name, role, unit in [("qz_head", "center_head", qz_center), ("qz_manager", "provincial_manager", qazvin),
                             ("qz_expert", "provincial_expert", qazvin), ("th_head", "center_head", th_center),
                             ("planner", "hq_planner", Unit.objects.get(code="IR"))]:
        users[name] = django_user_model.objects.create_user(name, password="leak-test-password-1")
        Account.objects.create(user=users[name], role=role, unit=unit)
    victim = TraineeFactory(registered_unit=th_center, first_name="سارا", last_name="تهرانی", mobile="09121112233",
                            income_decile=2, decile_assessed_on=dt.date(2024, 1, 1))
    return {"qazvin": qazvin, "tehran": tehran, "qz_center": qz_center, "th_center": th_center, "th_county": th_county,
            "users": users, "victim": victim, "qz_run": CourseRunFactory(unit=qz_center, capacity=30)}


def _csv(headers: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([headers, *rows])
    return out.getvalue().encode()


def _import(user, kind: str, data: bytes, dry_run: bool):  # type: ignore[no-untyped-def]
    return start_import(user=user, kind=kind, file_name="f.csv", data=data, dry_run=dry_run, background=False)


TRAINEE_HEADERS = ["کد ملی", "نام", "نام خانوادگی", "جنسیت", "تاریخ تولد", "محل سکونت", "کد واحد ثبت‌کننده"]
ENROLL_HEADERS = ["کد دوره", "کد ملی کارآموز", "ساعت حضور", "وضعیت", "تاریخ تولد کارآموز"]


# ------------------------------------------------------------------------------------------------ imports


@pytest.mark.parametrize("dry_run", [True, False])
@pytest.mark.parametrize("who", ["qz_head", "qz_manager", "qz_expert"])
def test_a_trainee_import_never_touches_another_provinces_trainee(world, who, dry_run) -> None:  # type: ignore[no-untyped-def]
    victim = world["victim"]
    rename = [victim.national_code, "دزد", "نام‌تازه", "زن", "1370/01/01", "شهری", world["qz_center"].code]
    same = [victim.national_code, victim.first_name, victim.last_name, "زن", BORN_JALALI, "روستایی", world["th_center"].code]
    for row in (rename, same):  # a changed row, and one equal to what is stored: the same refusal
        batch = _import(world["users"][who], "trainees", _csv(TRAINEE_HEADERS, [row]), dry_run)
        assert batch.status == "rejected"
        assert (batch.created, batch.updated, batch.unchanged) == (0, 0, 0)
        assert [p["message"] for p in batch.problems] == [OUTSIDE]
    victim.refresh_from_db()
    assert (victim.first_name, victim.last_name, victim.registered_unit_id) == ("سارا", "تهرانی", world["th_center"].pk)


def test_a_trainee_import_still_updates_ones_own_trainee(world) -> None:  # type: ignore[no-untyped-def]
    own = TraineeFactory(registered_unit=world["qz_center"])
    row = [own.national_code, "مریم", "نام‌تازه", "زن", BORN_JALALI, "شهری", world["qz_center"].code]
    batch = _import(world["users"]["qz_head"], "trainees", _csv(TRAINEE_HEADERS, [row]), dry_run=False)
    assert (batch.status, batch.updated) == ("done", 1)
    own.refresh_from_db()
    assert own.last_name == "نام‌تازه"


def test_workshop_and_course_run_imports_never_take_over_another_provinces_records(world) -> None:  # type: ignore[no-untyped-def]
    th_workshop = WorkshopFactory(unit=world["th_center"], code="IR-23-01-C01-K01")
    th_run = CourseRunFactory(unit=world["th_center"], code="IR-23-01-C01-1405-0001")
    EnrollmentFactory(course_run=th_run, trainee=world["victim"])
    user = world["users"]["qz_manager"]
    qz = world["qz_center"].code
    batch = _import(user, "workshops", _csv(["کد کارگاه", "نام کارگاه", "کد واحد", "خوشه"],
                                            [[th_workshop.code, "ربوده", qz, "صنعت"]]), dry_run=False)
    assert [p["message"] for p in batch.problems] == [OUTSIDE]
    run_row = [th_run.code, qz, th_run.standard.code, "مرکز ثابت", "1405/07/01", "1405/08/20"]
    batch = _import(user, "course_runs", _csv(["کد دوره", "کد واحد برگزارکننده", "کد استاندارد", "شیوه اجرا", "تاریخ شروع",
                                               "تاریخ پایان"], [run_row]), dry_run=False)
    assert [p["message"] for p in batch.problems] == [OUTSIDE]
    assert Workshop.objects.get(pk=th_workshop.pk).unit_id == world["th_center"].pk
    assert CourseRun.objects.get(pk=th_run.pk).unit_id == world["th_center"].pk
    # ... so the Tehran run's enrollments stay out of Qazvin's sight.
    from maharat.access import policy

    assert not policy.scope(user, Enrollment.objects.filter(course_run=th_run)).exists()


def test_references_in_a_file_resolve_only_inside_the_scope(world) -> None:  # type: ignore[no-untyped-def]
    user = world["users"]["qz_manager"]
    th_trainer = TrainerFactory(home_unit=world["th_center"])
    th_workshop = WorkshopFactory(unit=world["th_center"])
    headers = ["کد دوره", "کد واحد برگزارکننده", "کد استاندارد", "شیوه اجرا", "تاریخ شروع", "تاریخ پایان", "کد ملی مربی",
               "کد کارگاه"]
    std = world["qz_run"].standard.code
    rows = [["IR-26-X-1", world["th_center"].code, std, "مرکز ثابت", "1405/07/01", "1405/08/20", "", ""],
            ["IR-26-X-2", "IR-99-99-C99", std, "مرکز ثابت", "1405/07/01", "1405/08/20", "", ""],
            ["IR-26-X-3", world["qz_center"].code, std, "مرکز ثابت", "1405/07/01", "1405/08/20", th_trainer.national_code, ""],
            ["IR-26-X-4", world["qz_center"].code, std, "مرکز ثابت", "1405/07/01", "1405/08/20", national_code(777_777), ""],
            ["IR-26-X-5", world["qz_center"].code, std, "مرکز ثابت", "1405/07/01", "1405/08/20", "", th_workshop.code],
            ["IR-26-X-6", world["qz_center"].code, std, "مرکز ثابت", "1405/07/01", "1405/08/20", "", "NO-SUCH-K"]]
    batch = _import(user, "course_runs", _csv(headers, rows), dry_run=True)
    by_row = {p["row"]: p["message"] for p in batch.problems}
    assert by_row[2] == by_row[3] == UNKNOWN_UNIT  # another province's unit reads as an unknown one
    assert by_row[4] == by_row[5] == "مربی با این کد ملی ثبت نشده است."
    assert by_row[6] == by_row[7] == "کارگاهی با این کد وجود ندارد."


def test_enrolling_a_stranger_by_file_needs_their_birth_date(world) -> None:  # type: ignore[no-untyped-def]
    user, run, victim = world["users"]["qz_head"], world["qz_run"], world["victim"]
    nobody = national_code(888_888)
    rows = [[run.code, victim.national_code, "0", "در حال آموزش", ""],
            [run.code, nobody, "0", "در حال آموزش", ""],
            [run.code, victim.national_code, "0", "در حال آموزش", "1370/01/01"]]
    for i, row in enumerate(rows):
        batch = _import(user, "enrollments", _csv(ENROLL_HEADERS, [row]), dry_run=True)
        assert [p["message"] for p in batch.problems] == [UNKNOWN_TRAINEE], i
    confirmed = [run.code, victim.national_code, "0", "در حال آموزش", BORN_JALALI]
    batch = _import(user, "enrollments", _csv(ENROLL_HEADERS, [confirmed]), dry_run=False)
    assert (batch.status, batch.created) == ("done", 1), batch.problems
    assert Enrollment.objects.filter(course_run=run, trainee=victim).count() == 1


def test_a_file_cannot_try_birth_dates_one_after_another(world) -> None:  # type: ignore[no-untyped-def]
    user, victim = world["users"]["qz_head"], world["victim"]
    runs = [CourseRunFactory(unit=world["qz_center"]) for _ in range(IDENTITY_TRIES_PER_HOUR + 2)]
    wrong = [[r.code, victim.national_code, "0", "در حال آموزش", f"1370/01/{i % 28 + 1:02d}"] for i, r in enumerate(runs[:-1])]
    right = [[runs[-1].code, victim.national_code, "0", "در حال آموزش", BORN_JALALI]]
    batch = _import(user, "enrollments", _csv(ENROLL_HEADERS, wrong + right), dry_run=True)
    messages = [p["message"] for p in batch.problems]
    assert messages.count(UNKNOWN_TRAINEE) == IDENTITY_TRIES_PER_HOUR
    assert len(messages) == len(wrong) + 1  # the right birth date, after the limit, is refused too
    assert "بیش از حد" in messages[-1]


# ------------------------------------------------------------------------------------------------ pages


def test_enrolling_a_stranger_on_the_page_answers_like_an_unknown_code(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world["users"]["qz_head"])
    run, victim = world["qz_run"], world["victim"]
    url = reverse("enrollment_create", args=[run.pk])
    answers = []
    for code, born in [(victim.national_code, ""), (national_code(888_888), ""), (victim.national_code, "1370/01/01")]:
        response = client.post(url, {"trainee": code, "birth_date": born, "hours_attended": "0", "status": "enrolled"})
        assert response.status_code == 200
        assert UNKNOWN_TRAINEE in response.content.decode()
        answers.append(response.content.decode().count(UNKNOWN_TRAINEE))
    assert len(set(answers)) == 1
    assert not Enrollment.objects.filter(trainee=victim).exists()
    # Her record stays closed: no name, no mobile.
    response = client.get(reverse("trainee_detail", args=[victim.pk]))
    assert response.status_code == 404
    # With her birth date (she stands at the desk with her card) she is enrolled.
    response = client.post(url, {"trainee": victim.national_code, "birth_date": BORN_JALALI, "hours_attended": "0",
                                 "status": "enrolled"})
    assert response.status_code == 302
    assert Enrollment.objects.filter(course_run=run, trainee=victim).exists()


def test_registering_a_stranger_for_a_test_needs_their_birth_date(client, world) -> None:  # type: ignore[no-untyped-def]
    from maharat.assessment.models import Candidate, TestSession

    session = TestSession.objects.create(code="T-QZ-1", standard=world["qz_run"].standard,
                                         assessor_unit=world["qz_center"], held_on=dt.date.today(), capacity=10)
    client.force_login(world["users"]["qz_head"])
    url = reverse("testsession_action", args=[session.pk, "rpl"])
    response = client.post(url, {"trainee": world["victim"].national_code}, follow=True)
    assert UNKNOWN_TRAINEE in response.content.decode()
    assert not Candidate.objects.filter(session=session).exists()
    client.post(url, {"trainee": world["victim"].national_code, "birth_date": BORN_JALALI})
    assert Candidate.objects.filter(session=session, trainee=world["victim"]).exists()


@pytest.mark.parametrize("field", ["trainer", "workshop"])
def test_a_course_run_form_cannot_attach_another_provinces_trainer_or_workshop(client, world, field) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world["users"]["qz_manager"])
    foreign = {"trainer": lambda: TrainerFactory(home_unit=world["th_center"]).national_code,
               "workshop": lambda: WorkshopFactory(unit=world["th_center"]).code}[field]()
    run = world["qz_run"]
    response = client.post(reverse("courserun_update", args=[run.pk]), {
        "code": run.code, "unit": world["qz_center"].code, "standard": run.standard.pk, field: foreign,
        "mode": run.mode, "start_date": "1405/07/01", "end_date": "1405/08/20", "hours": "120", "capacity": "20"})
    assert response.status_code == 200
    expected = {"trainer": "مربی با این کد ملی ثبت نشده است.", "workshop": "کارگاهی با این کد وجود ندارد."}[field]
    assert expected in response.content.decode()
    run.refresh_from_db()
    assert getattr(run, f"{field}_id") is None


def test_a_province_cannot_rename_itself_nor_move_its_units_away(client, world) -> None:  # type: ignore[no-untyped-def]
    user, qazvin = world["users"]["qz_manager"], world["qazvin"]
    county = world["qz_center"].parent
    client.force_login(user)
    # Its own record is HQ's: no edit page, and a posted form is refused.
    assert client.get(reverse("unit_update", args=[qazvin.code])).status_code in (403, 404)
    client.post(reverse("unit_update", args=[qazvin.code]), {"kind": "province", "name": "قزوین بزرگ", "code": "IR-26",
                                                            "parent": "IR"})
    qazvin.refresh_from_db()
    assert qazvin.name != "قزوین بزرگ"
    # A county of its own cannot be moved into Tehran.
    response = client.post(reverse("unit_update", args=[county.code]), {"kind": "county", "name": county.name,
                                                                       "code": county.code, "parent": "IR-23"})
    assert response.status_code == 200
    county.refresh_from_db()
    assert county.parent_id == qazvin.pk and county.province_id == qazvin.pk
    # Inside its own province it still manages the tree: renaming the county works.
    response = client.post(reverse("unit_update", args=[county.code]), {"kind": "county", "name": "تاکستان نو",
                                                                       "code": county.code, "parent": "IR-26"})
    assert response.status_code == 302
    county.refresh_from_db()
    assert county.name == "تاکستان نو"


def test_the_api_refuses_the_same_unit_moves(client, world) -> None:  # type: ignore[no-untyped-def]
    user, qazvin = world["users"]["qz_manager"], world["qazvin"]
    county = world["qz_center"].parent
    client.force_login(user)
    response = client.patch(f"/api/v1/units/{county.pk}/", {"parent": "IR-23"}, content_type="application/json")
    assert response.status_code in (400, 403)
    response = client.patch(f"/api/v1/units/{qazvin.pk}/", {"name": "قزوین بزرگ"}, content_type="application/json")
    assert response.status_code == 403
    county.refresh_from_db()
    qazvin.refresh_from_db()
    assert county.parent_id == qazvin.pk and qazvin.name != "قزوین بزرگ"


def test_history_names_only_people_of_ones_own_subtree(client, world) -> None:  # type: ignore[no-untyped-def]
    from maharat.audit.services import log_write, snapshot

    victim, th_head = world["victim"], world["users"]["th_head"]
    old = snapshot(victim)
    victim.last_name = "تهرانی‌پور"
    victim.save()
    entry = log_write(instance=victim, old=old, unit=victim.registered_unit, user=th_head)
    AuditEntry.objects.filter(pk=entry.pk).update(ip_address="10.23.0.7")
    EnrollmentFactory(course_run=world["qz_run"], trainee=victim)  # now Qazvin may see her record
    client.force_login(world["users"]["qz_head"])
    page = client.get(reverse("trainee_detail", args=[victim.pk])).content.decode()
    assert "تهرانی‌پور" in page
    assert "th_head" not in page and "10.23.0.7" not in page
    client.force_login(th_head)
    page = client.get(reverse("trainee_detail", args=[victim.pk])).content.decode()
    assert "th_head" in page and "10.23.0.7" in page


def test_the_commitments_export_works_for_every_role(client, world) -> None:  # type: ignore[no-untyped-def]
    for name in world["users"]:
        client.force_login(world["users"][name])
        response = client.get("/import/export/commitments/")
        assert response.status_code in (200, 403), name


def test_trainees_stay_single_records(world) -> None:  # type: ignore[no-untyped-def]
    """The refused imports above must not have created a second person with the victim's code."""
    assert Trainee.objects.filter(national_code=world["victim"].national_code).count() == 1


def test_an_import_leaves_one_audit_entry_per_record_with_old_and_new_values(world) -> None:  # type: ignore[no-untyped-def]
    user, run = world["users"]["qz_head"], world["qz_run"]
    people = [TraineeFactory(registered_unit=world["qz_center"]) for _ in range(3)]
    rows = [[run.code, t.national_code, "0", "در حال آموزش", ""] for t in people]
    batch = _import(user, "enrollments", _csv(ENROLL_HEADERS, rows), dry_run=False)
    assert batch.created == 3
    created = AuditEntry.objects.filter(action="create", content_type__model="enrollment", user=user)
    assert created.count() == 3
    ids = set(Enrollment.objects.filter(course_run=run).values_list("pk", flat=True))
    assert {int(e.object_id) for e in created} == ids
    assert all(e.unit_id == world["qz_center"].pk and e.changes["status"] == [None, "enrolled"] for e in created)
    rows[0][2:4] = ["100", "پایان دوره"]
    batch = _import(user, "enrollments", _csv(ENROLL_HEADERS, rows), dry_run=False)
    assert (batch.updated, batch.unchanged) == (1, 2)
    updated = AuditEntry.objects.get(action="update", content_type__model="enrollment")
    assert updated.changes == {"hours_attended": [0, 100], "status": ["enrolled", "completed"]}
    assert updated.username == "qz_head"


def test_reading_and_exporting_personal_records_is_logged(client, world) -> None:  # type: ignore[no-untyped-def]
    own = TraineeFactory(registered_unit=world["qz_center"])
    client.force_login(world["users"]["qz_head"])
    assert client.get(reverse("trainee_detail", args=[own.pk])).status_code == 200
    seen = AuditEntry.objects.get(action="view")
    assert (seen.username, seen.object_id, seen.unit_id) == ("qz_head", str(own.pk), world["qz_center"].pk)
    assert client.get(reverse("trainee_list"), {"format": "csv", "q": "کریمی"}).status_code == 200
    assert client.get("/import/export/trainees/").status_code == 200
    exports = AuditEntry.objects.filter(action="export", username="qz_head").order_by("id")
    assert [e.note.split("?")[0] for e in exports] == [reverse("trainee_list"), "/import/export/trainees/"]
    assert "format=csv" in exports[0].note
    # A page without personal data (a workshop) leaves no read entry.
    workshop = WorkshopFactory(unit=world["qz_center"])
    client.get(reverse("workshop_detail", args=[workshop.pk]))
    assert AuditEntry.objects.filter(action="view").count() == 1
    # The province sees who of its own people looked.
    client.force_login(world["users"]["qz_manager"])
    page = client.get(reverse("audit_list"), {"action": "view"}).content.decode()
    assert "qz_head" in page


def test_closing_a_test_session_is_audited_and_refused_outside_scope(client, world) -> None:  # type: ignore[no-untyped-def]
    from maharat.assessment.models import TestSession

    session = TestSession.objects.create(code="T-QZ-2", standard=world["qz_run"].standard,
                                         assessor_unit=world["qz_center"], held_on=dt.date.today(), capacity=10)
    client.force_login(world["users"]["th_head"])
    client.post(reverse("testsession_action", args=[session.pk, "close"]))
    session.refresh_from_db()
    assert not session.is_closed
    client.force_login(world["users"]["qz_head"])
    client.post(reverse("testsession_action", args=[session.pk, "close"]))
    session.refresh_from_db()
    assert session.is_closed
    entry = AuditEntry.objects.get(content_type__model="testsession", object_id=str(session.pk))
    assert (entry.action, entry.username, entry.changes) == ("update", "qz_head", {"is_closed": [False, True]})


def test_enrolling_a_stranger_through_the_api_answers_like_an_unknown_code(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world["users"]["qz_head"])
    run, victim = world["qz_run"], world["victim"]
    answers = []
    for code, extra in [(victim.national_code, {}), (national_code(888_888), {}), (victim.national_code, {"birth_date": "1991-01-01"})]:
        response = client.post("/api/v1/enrollments/", {"course_run": run.code, "trainee": code, "hours_attended": 0,
                                                         "status": "enrolled", **extra}, content_type="application/json")
        assert response.status_code == 400
        answers.append(response.json())
    assert answers[0] == answers[1] == answers[2]
    assert UNKNOWN_TRAINEE in str(answers[0])
    assert client.get(f"/api/v1/trainees/{victim.pk}/").status_code == 404
    response = client.post("/api/v1/enrollments/", {"course_run": run.code, "trainee": victim.national_code,
                                                     "birth_date": BORN.isoformat(), "hours_attended": 0,
                                                     "status": "enrolled"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["trainee"] == victim.national_code and "birth_date" not in response.json()


def test_api_references_resolve_only_inside_the_scope(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world["users"]["qz_manager"])
    th_trainer = TrainerFactory(home_unit=world["th_center"])
    run = world["qz_run"]
    foreign = client.patch(f"/api/v1/course-runs/{run.pk}/", {"trainer": th_trainer.national_code},
                           content_type="application/json")
    unknown = client.patch(f"/api/v1/course-runs/{run.pk}/", {"trainer": national_code(999_001)},
                           content_type="application/json")
    assert foreign.status_code == unknown.status_code == 400
    # Byte for byte the same answer, but for the code itself.
    assert foreign.content.decode().replace(th_trainer.national_code, "X") == unknown.content.decode().replace(
        national_code(999_001), "X")
    assert "رکوردی با کد" in foreign.content.decode()
    run.refresh_from_db()
    assert run.trainer_id is None


# ------------------------------------------------------------------------------------------------ admin


def _admin_form(client, url: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The admin change form's current values, as the browser would post them back."""
    form = client.get(url).context["adminform"].form
    data: dict[str, str] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "pk"):
            value = value.pk
        if value is None:
            value = ""
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = field.widget.format_value(value) if hasattr(field.widget, "format_value") and not isinstance(
            value, (int, str)) else str(value)
    return data


def test_the_admin_keeps_the_same_scope(client, world) -> None:  # type: ignore[no-untyped-def]
    user, victim = world["users"]["qz_manager"], world["victim"]
    user.is_staff = True
    user.save()
    client.force_login(user)
    # Another province's trainee: not found, not changed.
    url = f"/admin/people/trainee/{victim.pk}/change/"
    assert client.get(url).status_code in (302, 404)
    client.post(url, {"first_name": "دزد", "last_name": "admin"})
    victim.refresh_from_db()
    assert victim.first_name == "سارا"
    # A center head's course run cannot be given a trainer of another center (the model itself would allow
    # one from the same province): the admin's pickers are scoped like the pages'.
    head = world["users"]["qz_head"]
    head.is_staff = True
    head.save()
    client.force_login(head)
    other_center = make_unit(UnitKind.FIXED_CENTER, parent=world["qz_center"].parent)
    run, stranger = world["qz_run"], TrainerFactory(home_unit=other_center)
    url = f"/admin/training/courserun/{run.pk}/change/"
    data = _admin_form(client, url)
    data.update({"trainer": str(stranger.pk), "enrollments-TOTAL_FORMS": "0", "enrollments-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["adminform"].form.errors.get("trainer")
    run.refresh_from_db()
    assert run.trainer_id is None
    client.force_login(user)
    # Its own county cannot be moved under Tehran.
    county = world["qz_center"].parent
    url = f"/admin/org/unit/{county.pk}/change/"
    data = _admin_form(client, url)
    data["parent"] = str(world["tehran"].pk)
    response = client.post(url, data)
    assert response.status_code in (200, 403)
    county.refresh_from_db()
    assert county.parent_id == world["qazvin"].pk


def test_the_course_run_page_still_offers_enrolment_to_its_desk(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world["users"]["qz_head"])
    page = client.get(reverse("courserun_detail", args=[world["qz_run"].pk])).content.decode()
    assert reverse("enrollment_create", args=[world["qz_run"].pk]) in page
