"""The register pages: login, Persian normalisation on input, field-named errors, search, pagination."""

import datetime as dt

import pytest
from django.urls import reverse

from maharat.factories import CourseRunFactory, TraineeFactory, make_unit
from maharat.people.models import TargetGroup, Trainee
from maharat.training.models import Enrollment

pytestmark = pytest.mark.django_db


def trainee_form(**changes: object) -> dict[str, object]:
    unit = make_unit()
    data = {
        "national_code": "۴۹۹۳۷۰۸۹۹",  # Persian digits, leading zero dropped
        "first_name": "علي",  # Arabic yeh
        "last_name": "كريمي",  # Arabic kaf and yeh
        "sex": "F",
        "birth_date": "۱۳۷۵/۰۲/۱۵",
        "residence": "rural",
        "nationality": "iranian",
        "income_decile": "2",
        "decile_assessed_on": "1402/01/20",
        "target_groups": [TargetGroup.objects.get(code="villagers").pk],
        "mobile": "+98 912 123 4567",
        "registered_unit": unit.code.lower(),
    }
    data.update(changes)
    return data


def test_pages_need_login(client) -> None:  # type: ignore[no-untyped-def]
    for name in ("trainee_list", "standard_list", "courserun_list", "unit_list"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_home_is_persian_rtl_with_a_jalali_date(client) -> None:  # type: ignore[no-untyped-def]
    from maharat.common import jalali

    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert '<html lang="fa" dir="rtl">' in html  # Persian even for an English browser
    assert jalali.format_date(jalali.today().togregorian(), long=True) in html


def test_english_is_a_choice(client) -> None:  # type: ignore[no-untyped-def]
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en" dir="ltr">' in html


def test_creating_a_trainee_normalises_every_input(client_in) -> None:  # type: ignore[no-untyped-def]
    response = client_in.post(reverse("trainee_create"), trainee_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    t = Trainee.objects.get()
    assert t.national_code == "0499370899"
    assert (t.first_name, t.last_name) == ("علی", "کریمی")
    assert t.birth_date == dt.date(1996, 5, 4)
    assert t.decile_assessed_on == dt.date(2023, 4, 9)
    assert t.mobile == "09121234567"
    assert list(t.target_groups.values_list("code", flat=True)) == ["villagers"]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("national_code", "0499370898", "رقم کنترل"),
        ("birth_date", "1404/12/30", "کبیسه"),
        ("mobile", "0812", "۰۹"),
        ("registered_unit", "IR-99-99", "واحد آموزشی با این کد وجود ندارد"),
        ("decile_assessed_on", "", "تاریخ تعیین دهک"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(client_in, field, value, expected) -> None:  # type: ignore[no-untyped-def]
    response = client_in.post(reverse("trainee_create"), trainee_form(**{field: value}))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert expected in " ".join(form.errors[field])
    label = str(form.fields[field].label)
    assert any(line.startswith(label) for line in form.error_summary())
    assert expected in response.content.decode()
    assert Trainee.objects.count() == 0


def test_duplicate_national_code_is_refused(client_in) -> None:  # type: ignore[no-untyped-def]
    TraineeFactory(national_code="0499370899")
    response = client_in.post(reverse("trainee_create"), trainee_form())
    assert "قبلاً ثبت شده" in " ".join(response.context["form"].errors["national_code"])
    assert Trainee.objects.count() == 1


def test_search_normalises_arabic_letters_and_digits(client_in) -> None:  # type: ignore[no-untyped-def]
    TraineeFactory(first_name="یوسف", last_name="کاظمی", national_code="0499370899")
    TraineeFactory(first_name="زهرا", last_name="احمدی")
    by_name = client_in.get(reverse("trainee_list"), {"q": "يوسف كاظمي"})
    assert [t.last_name for t in by_name.context["object_list"]] == ["کاظمی"]
    by_code = client_in.get(reverse("trainee_list"), {"q": "۴۹۹۳۷۰۸۹۹"})
    assert [t.national_code for t in by_code.context["object_list"]] == ["0499370899"]


def test_lists_are_paginated(client_in, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MAHARAT_PAGE_SIZE = 3
    for _ in range(7):
        TraineeFactory()
    page3 = client_in.get(reverse("trainee_list"), {"page": 3})
    assert len(page3.context["object_list"]) == 1
    assert "۷ مورد" in page3.content.decode()


def test_htmx_search_returns_only_the_table(client_in) -> None:  # type: ignore[no-untyped-def]
    TraineeFactory(last_name="نوری")
    response = client_in.get(reverse("trainee_list"), {"q": "نوری"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "نوری" in html and "<html" not in html


def test_enrolling_from_the_course_page(client_in) -> None:  # type: ignore[no-untyped-def]
    run = CourseRunFactory(hours=100)
    trainee = TraineeFactory(national_code="0084575948")
    response = client_in.post(reverse("enrollment_create", args=[run.pk]),
                              {"trainee": "84575948", "hours_attended": "۸۰", "status": "enrolled"})
    assert response.status_code == 302
    e = Enrollment.objects.get()
    assert (e.trainee, e.hours_attended) == (trainee, 80)
    page = client_in.get(reverse("courserun_detail", args=[run.pk])).content.decode()
    assert "۸۰" in page


def test_course_run_defaults_hours_and_code(client_in) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from maharat.common import jalali
    from maharat.factories import StandardFactory
    from maharat.training.models import CourseRun

    unit = make_unit()
    std = StandardFactory(theory_hours=30, practice_hours=90)
    end = timezone.localdate()
    start = end - dt.timedelta(days=30)  # 120 hours need 12 days at least (10 hours a day)
    response = client_in.post(reverse("courserun_create"), {
        "unit": unit.code, "standard": std.code, "mode": "fixed_center",
        "start_date": jalali.format_date(start, persian_digits=False),
        "end_date": jalali.format_date(end, persian_digits=False), "capacity": "20",
    })
    assert response.status_code == 302, response.context["form"].errors
    run = CourseRun.objects.get()
    assert run.hours == 120
    assert run.code == f"{unit.code}-{jalali.year_of(start)}-0001"


def test_course_run_dates_in_wrong_order(client_in) -> None:  # type: ignore[no-untyped-def]
    from maharat.factories import StandardFactory
    from maharat.training.models import CourseRun

    response = client_in.post(reverse("courserun_create"), {
        "unit": make_unit().code, "standard": StandardFactory().pk, "mode": "online",
        "start_date": "1402/03/15", "end_date": "1402/01/15", "capacity": "20",
    })
    assert "end_date" in response.context["form"].errors
    assert CourseRun.objects.count() == 0


def test_unit_pages_browse_the_tree(client_in, qazvin) -> None:  # type: ignore[no-untyped-def]
    center = make_unit(name="مرکز شماره ۱ قزوین")
    page = client_in.get(reverse("unit_detail", args=[center.parent.code])).content.decode()
    assert "مرکز شماره ۱ قزوین" in page
    detail = client_in.get(reverse("unit_detail", args=[center.code]))
    assert [u.code for u in detail.context["breadcrumbs"]] == ["IR", "IR-26", center.parent.code]


def test_unit_create_through_the_page(client_in, qazvin) -> None:  # type: ignore[no-untyped-def]
    county = make_unit(kind="county", name="آوج")
    response = client_in.post(reverse("unit_create"), {"kind": "free_institute", "name": "آموزشگاه نمونه",
                                                        "parent": county.code, "cluster": "ict", "is_active": "on"})
    assert response.status_code == 302
    response = client_in.post(reverse("unit_create"), {"kind": "fixed_center", "name": "بی‌جا",
                                                        "parent": "IR-26", "is_active": "on"})
    assert response.status_code == 200
    assert "شهرستان" in response.content.decode()


def test_english_pages_come_from_the_catalogue(client_in) -> None:  # type: ignore[no-untyped-def]
    import re

    client_in.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client_in.get(reverse("trainee_create")).content.decode()
    nav = html[html.index("<nav"): html.index("</nav>")]
    links = re.findall(r'class="[^"]*nav-link[^"]*"[^>]*>([^<]+)<', nav)
    assert {"Organisation", "Standards", "Trainees", "Course runs", "Enrollments"} <= set(links)
    assert not any(re.search("[\u0600-\u06ff]", text) for text in links)
    assert "National code" in html and "Birth date" in html
    response = client_in.post(reverse("trainee_create"), trainee_form(national_code="0499370898"))
    assert "The check digit of the national code is wrong" in response.content.decode()


def test_the_english_catalogue_is_complete() -> None:
    """Every interface string marked for translation has an English text (makemessages + fill)."""
    import re
    from pathlib import Path

    po = (Path(__file__).resolve().parents[2] / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")[1:]  # the first block is the header
    untranslated = [e for e in entries if re.search(r'^msgstr ""\s*$', e.strip().splitlines()[-1]) and "msgid" in e]
    assert not untranslated, untranslated[:3]
    assert "#, fuzzy" not in "\n\n".join(entries)


def test_home_figures_come_from_the_summaries_and_equal_the_raw_records(client_in) -> None:  # type: ignore[no-untyped-def]
    """The HQ home page shows this year's person-hours and trainees without reading the enrollment table."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from maharat.factories import EnrollmentFactory

    run = CourseRunFactory(unit=make_unit())
    people = TraineeFactory.create_batch(3)
    for t, hours in zip(people, (120, 80, 35), strict=True):
        EnrollmentFactory(course_run=run, trainee=t, hours_attended=hours)
    EnrollmentFactory(course_run=run, trainee=TraineeFactory(), hours_attended=10, status="dropped")
    with CaptureQueriesContext(connection) as queries:
        response = client_in.get("/")
    assert not [q for q in queries.captured_queries if "training_enrollment" in q["sql"]]
    stats = dict(response.context["stats"])
    raw = sum(e.hours_attended for e in Enrollment.objects.all())  # independent: the raw rows, in Python
    assert stats["نفر ساعت امسال"] == raw == 245
    assert stats["کارآموز امسال"] == len({e.trainee_id for e in Enrollment.objects.all()}) == 4
