"""Paths that once left the live figures stale (issue 13), each proved against a full rebuild."""

from __future__ import annotations

import csv
import datetime as dt
import io

from maharat.assessment.models import Candidate, Result, TestSession
from maharat.exchange.services import start_import
from maharat.factories import CourseRunFactory, EnrollmentFactory, TraineeFactory, make_unit
from maharat.monitoring import summaries
from maharat.monitoring.tests.test_summaries import assert_equal_to_a_rebuild
from maharat.org.models import UnitKind

RUN_HEADERS = ["کد دوره", "کد واحد برگزارکننده", "کد استاندارد", "شیوه اجرا", "تاریخ شروع", "تاریخ پایان", "ساعت دوره",
               "ظرفیت"]


def test_a_course_run_import_moving_runs_across_nowruz_and_units_keeps_every_summary_exact(user) -> None:  # type: ignore[no-untyped-def]
    first, second = make_unit(UnitKind.FIXED_CENTER), make_unit(UnitKind.FIXED_CENTER)
    # Both runs end just before Nowruz 1406 (the period is still open: it lies ahead).
    before_nowruz = dt.date(2027, 3, 14)
    runs = [CourseRunFactory(unit=first, start_date=dt.date(2027, 1, 10), end_date=before_nowruz, hours=100)
            for _ in range(2)]
    for run in runs:
        for _ in range(3):
            e = EnrollmentFactory(course_run=run, trainee=TraineeFactory(registered_unit=first), hours_attended=100)
            session = TestSession.objects.filter(code=f"T-{run.code}").first() or TestSession.objects.create(
                code=f"T-{run.code}", standard=run.standard, assessor_unit=first, held_on=dt.date(2027, 3, 16), capacity=10)
            Candidate.objects.create(session=session, trainee=e.trainee, enrollment=e, theory_score=80, practice_score=80,
                                     result=Result.PASS)
    assert_equal_to_a_rebuild()
    rows = [[runs[0].code, first.code, runs[0].standard.code, "مرکز ثابت", "1405/10/20", "1406/01/05", "100", "20"],
            [runs[1].code, second.code, runs[1].standard.code, "مرکز ثابت", "1405/10/20", "1405/12/23", "100", "20"]]
    out = io.StringIO()
    csv.writer(out).writerows([RUN_HEADERS, *rows])
    batch = start_import(user=user, kind="course_runs", file_name="runs.csv", data=out.getvalue().encode(),
                         dry_run=False, background=False)
    assert (batch.status, batch.updated) == ("done", 2), batch.problems
    runs[0].refresh_from_db()
    runs[1].refresh_from_db()
    assert runs[0].end_date == dt.date(2027, 3, 25) and runs[1].unit_id == second.pk
    assert_equal_to_a_rebuild()


def _standard_form(standard, **changes):  # type: ignore[no-untyped-def]
    data = {"code": standard.code, "title": standard.title, "title_en": "", "cluster": standard.cluster, "isco_code": "",
            "theory_hours": standard.theory_hours, "practice_hours": standard.practice_hours, "level": standard.level,
            "is_active": "on"}
    return {**data, **changes}


def _cluster_split() -> dict[str, int]:
    from maharat.monitoring.models import Fact

    out: dict[str, int] = {}
    for cluster, hours in Fact.objects.values_list("cluster", "person_hours"):
        out[cluster] = out.get(cluster, 0) + hours
    return {k: v for k, v in out.items() if v}


def test_moving_a_standard_to_another_cluster_moves_its_person_hours_at_once(client_in) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    run = CourseRunFactory(hours=100)
    for _ in range(4):
        EnrollmentFactory(course_run=run, hours_attended=50)
    standard = run.standard
    assert _cluster_split() == {"industry": 200}
    response = client_in.post(reverse("standard_update", args=[standard.pk]), _standard_form(standard, cluster="agriculture"))
    assert response.status_code == 302
    assert _cluster_split() == {"agriculture": 200}
    assert_equal_to_a_rebuild()


def test_a_standard_with_too_many_slices_is_recomputed_by_the_worker_and_pages_say_so(client_in, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from maharat.monitoring.models import StaleSlice
    from maharat.monitoring.tasks import refresh_figures

    monkeypatch.setattr(summaries, "IN_REQUEST_SLICES", 1)
    runs = [CourseRunFactory(hours=100, unit=make_unit(UnitKind.FIXED_CENTER)) for _ in range(3)]
    standard = runs[0].standard
    for run in runs[1:]:
        run.standard = standard
        run.save()
    for run in runs:
        EnrollmentFactory(course_run=run, hours_attended=40)
    assert _cluster_split() == {"industry": 120}
    client_in.post(reverse("standard_update", args=[standard.pk]), _standard_form(standard, cluster="services"))
    assert StaleSlice.objects.count() == 3
    page = client_in.get("/").content.decode()
    assert 'data-testid="figures-updating"' in page
    refresh_figures.call_local()  # what the worker runs once the edit has committed (and every minute)
    assert not StaleSlice.objects.exists()
    assert _cluster_split() == {"services": 120}
    assert 'data-testid="figures-updating"' not in client_in.get("/").content.decode()
    assert_equal_to_a_rebuild()



def test_text_sent_as_json_is_stored_normalised_and_found_by_a_persian_search(client_in) -> None:  # type: ignore[no-untyped-def]
    from maharat.people.models import Trainee

    unit = make_unit(UnitKind.FIXED_CENTER)
    response = client_in.post("/api/v1/trainees/", {
        "national_code": "0499370899", "first_name": "علي", "last_name": "كريمي", "sex": "M", "birth_date": "1996-05-04",
        "residence": "urban", "registered_unit": unit.code}, content_type="application/json")
    assert response.status_code == 201, response.content
    trainee = Trainee.objects.get(national_code="0499370899")
    assert (trainee.first_name, trainee.last_name) == ("علی", "کریمی")
    found = client_in.get("/api/v1/trainees/", {"q": "علی کریمی"}).json()
    assert [t["national_code"] for t in found["results"]] == ["0499370899"]


def test_a_signed_payload_is_stored_byte_for_byte() -> None:
    from maharat.assessment.models import Certificate
    from maharat.common.normalise import _text_fields

    assert "payload" not in _text_fields(Certificate) and "signature" not in _text_fields(Certificate)
    assert "status_reason" in _text_fields(Certificate)
