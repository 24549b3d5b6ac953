"""The licensing pages in English, read as the platform's crawler reads every page (web/tests/test_crawl.py) and
as the follow-ups' English test does (followup/tests/test_pages.py): signed in as the HQ planner, the province's
manager and an institute's manager, each page they open — registers, a licence, applications, the forms, a
decision with its appeal and versions, and the public register, institute page and verification — shows no
Persian letter and no Persian digit (both lie in the crawler's PERSIAN_LETTERS ranges) in its own display text
(title and <main>; the menu's licensing entries are checked by name), but stored data that has no English form:
institute and unit names, founders' names, reasons, grounds and notes typed by users (the crawler's
`stored_text`, and each line of the records' multi-line text, as followup's test)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from maharat.common import jalali
from maharat.factories import TODAY
from maharat.institutes import services
from maharat.institutes.models import Appeal, AppealStatus, Application, Decision
from maharat.web.tests.test_crawl import (
    PERSIAN_LETTERS,
    Pending,
    layout_and_language,
    read,
    stored_text,
)

from .conftest import code, data, fresh, inspected

pytestmark = pytest.mark.django_db
D = services.DecisionData


@pytest.fixture
def lived(world: dict[str, Any]) -> dict[str, Any]:
    """Records in the states the pages show: a founder's application at the board's table, a renewal returned
    to the institute, a suspension under appeal, conditions varied on appeal (two versions) and a refusal."""
    licence = world["licence"]
    founder = inspected(world)
    checked = services.apply_new(world["expert"], county=world["county"], data=data(
        proposed_name="آموزشگاه آزاد در انتظار بازدید", address="قزوین، خیابان طالقانی"))
    services.step(world["expert"], checked, "accept_documents", note="مدارک کامل است")
    # The renewal window opens six months before the end of the term (services.RENEWAL_WINDOW).
    Decision.objects.filter(licence=licence).update(new_expiry=TODAY + dt.timedelta(days=100))
    services.recompute(fresh(licence))
    renewal = services.apply_renewal(world["institute_manager"], institute=licence.institute,
                                     data=data(address="قزوین، خیابان فردوسی", clusters=["services"]))
    services.step(world["expert"], renewal, "return_for_correction", note="سند اجاره پیوست نشده است\nامضای مؤسس")
    suspension = services.decide(world["manager"], licence, D(
        kind="suspend", reason="برگزاری دوره بدون مجوز در ۳ نوبت\nتکرار تخلف پس از ۶ ماه",
        effective_from=TODAY + dt.timedelta(days=5), effective_until=TODAY + dt.timedelta(days=40)))
    services.lodge_appeal(world["institute_manager"], suspension, "دوره با مجوز شفاهی اداره کل برگزار شد")
    conditions = services.decide(world["manager"], licence, D(kind="conditions", reason="کمبود تجهیزات ایمنی",
                                                              conditions="نصب کپسول آتش‌نشانی"))
    appeal = services.lodge_appeal(world["institute_manager"], conditions, "تجهیزات خریداری شده است")
    services.rule_on_appeal(world["hq_planner"], appeal, AppealStatus.VARIED, "شرط به نصب دو کپسول کاهش یافت",
                            changes=D(kind=None, reason="", conditions="نصب دو کپسول آتش‌نشانی"))
    refused = inspected(world, proposed_name="آموزشگاه آزاد رد شده", address="قزوین، میدان آزادی")
    services.refuse(world["manager"], refused, reason="مساحت کارگاه کمتر از حداقل آیین‌نامه است")
    # A new institute licensed for two fields (ICT and industry): the pages list them.
    granted = services.grant(world["manager"], inspected(world, proposed_name="آموزشگاه آزاد دو رشته‌ای",
                                                          address="قزوین، بلوار نوروزیان"),
                             reason="تأیید هیأت کارشناسی و اماکن", grade=1)
    return {"founder": founder, "checked": checked, "renewal": renewal, "suspension": suspension,
            "varied": Decision.objects.get(supersedes=conditions), "refused": refused,
            "refusal": Decision.objects.get(application=refused), "granted": granted}


def stored_lines() -> re.Pattern[str] | None:
    """The crawler's stored data, and each line of the records' multi-line text: a reason or a note is shown a
    line at a time (linebreaksbr), and each line is stored data as much as the whole (as followup's test)."""
    whole = stored_text()
    texts = [*(t for d in Decision.objects.all() for t in (d.reason, d.conditions)),
             *(t for a in Appeal.objects.all() for t in (a.grounds, a.ruling)),
             *(t for a in Application.objects.all() for t in (a.check_note, a.inspection_note))]
    lines = {line.strip() for text in texts for line in text.splitlines() if line.strip()}
    parts = ([whole.pattern] if whole is not None else []) + [re.escape(v) for v in sorted(lines, key=len, reverse=True)]
    return re.compile("|".join(parts)) if parts else None


LIST_COMMA = "، "
PERSIAN_DATE = re.compile("[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2}")


def pending(allowed: re.Pattern[str] | None) -> list[Pending]:
    """Leaks whose fix lies elsewhere, kept as the crawler keeps them (test_crawl.Pending): none left (the list
    comma and the dates inside messages now follow the page's language)."""
    return []


def checker() -> tuple[Any, list[str]]:
    """The crawler's layout and language check, with this module's allow-list and pending leaks."""
    allowed = stored_lines()
    postponed: list[str] = []
    return layout_and_language(allowed, pending(allowed), postponed), postponed


def own_content(html: str) -> str:
    """The page's own text: its title and its <main> (the menu and footer around it are the layout's, read by the
    platform's crawl; as workdays/tests/test_pages.py `main`). The <nav> keeps the crawler's layout check."""
    title = html[html.index("<title"):html.index("</title>") + 8]
    return "<nav>" + title + html[html.index("<main"):html.index("</main>") + 7]


def english(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch's cookie, as followup's test
    return client


def pages(world: dict[str, Any], lived: dict[str, Any], role: str) -> list[str]:
    licence = world["licence"]
    own = [reverse("licence_list"), reverse("licence_detail", args=[licence.pk]), reverse("application_list"),
           reverse("application_detail", args=[lived["renewal"].pk]),
           reverse("application_edit", args=[lived["renewal"].pk]), reverse("application_create"),
           reverse("decision_list"), reverse("decision_detail", args=[lived["suspension"].pk]),
           reverse("decision_detail", args=[lived["varied"].pk]),
           reverse("decision_detail", args=[lived["varied"].supersedes_id]),
           reverse("application_renew", args=[world["institute"].pk])]
    granted = lived["granted"]
    if role != "institute_manager":  # a founder's application sits at the county, above the institute
        own += [reverse("application_detail", args=[lived["founder"].pk]),
                reverse("application_detail", args=[lived["checked"].pk]),
                reverse("application_detail", args=[lived["refused"].pk]),
                reverse("decision_detail", args=[lived["refusal"].pk]),
                reverse("licence_detail", args=[granted.pk])]
    public = [reverse("institute_register"), reverse("institute_register") + "?province=IR-26&cluster=services",
              reverse("institute_register") + "?q=nothing-like-this",
              reverse("institute_public", args=[world["institute"].code]),
              reverse("institute_public", args=[granted.institute.unit.code]),
              reverse("licence_verify_number", args=[licence.number]),
              reverse("licence_verify_number", args=[granted.number]), reverse("licence_verify"),
              reverse("licence_verify") + "?number=L-99-1400-9999"]
    return own + public


@pytest.mark.parametrize("role", ["hq_planner", "manager", "institute_manager"])
def test_every_licensing_page_is_english_but_the_stored_data(world: dict[str, Any], lived: dict[str, Any],
                                                             role: str) -> None:
    client = english(world[role])
    check, postponed = checker()
    problems: list[str] = []
    for url in pages(world, lived, role):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        html = response.content.decode()
        assert '<html lang="en"' in html, url
        problems += check(read(url, 200, own_content(html), "en"))
    assert not problems, "\n".join(problems[:40])
    assert not postponed, postponed


@pytest.mark.parametrize("role", ["hq_planner", "manager", "institute_manager"])
def test_the_menu_names_licensing_in_english(world: dict[str, Any], role: str) -> None:
    html = english(world[role]).get(reverse("licence_list")).content.decode()
    nav = html[html.index("<nav"):html.index("</nav>") + 6]
    shown = {href: text for href, text in re.findall(r'href="([^"]+)">([^<]+)</a>', nav)}
    assert shown[reverse("licence_list")] == "Licences"
    assert shown[reverse("application_list")] == "Licence applications"
    assert shown[reverse("decision_list")] == "Decisions and appeals"
    groups = [text for _tag, text in read("/", 200, nav, "en").text]
    assert "Institutes" in groups


def test_the_pages_speak_the_regulators_english(world: dict[str, Any], lived: dict[str, Any]) -> None:
    """Not merely free of Persian: the terms of the bylaw, in the catalogue's words."""
    client = english(world["hq_planner"])
    licence = client.get(reverse("licence_detail", args=[world["licence"].pk])).content.decode()
    assert "Founding licence" in licence and "Supervision board decisions" in licence
    assert "Suspension of licence" in licence and "Imposition of conditions" in licence
    assert "Record and serve the decision" in licence and "Ban on new enrollments" in licence
    founder = client.get(reverse("application_detail", args=[lived["founder"].pk])).content.decode()
    assert "Tracking code" in founder and "Inspected, awaiting the board&#x27;s decision" in founder
    assert "Board decision: grant the licence" in founder
    checked = client.get(reverse("application_detail", args=[lived["checked"].pk])).content.decode()
    assert "Record the inspection result" in checked and "Inspection report" in checked
    decision = client.get(reverse("decision_detail", args=[lived["suspension"].pk])).content.decode()
    assert "برگزاری دوره بدون مجوز در 3 نوبت" in decision  # typed with Persian digits, shown with the page's
    assert "Appeal deadline" in decision and "Awaiting review" in decision
    assert "Review of the appeal by the central supervision board" in decision
    varied = client.get(reverse("decision_detail", args=[lived["varied"].pk])).content.decode()
    assert "Versions of this decision" in varied and "Decision varied" in varied
    register = client.get(reverse("institute_register")).content.decode()
    assert "Register of licensed free institutes" in register and "Institutes: 4" in register
    verify = client.get(reverse("licence_verify_number", args=[world["far_licence"].number])).content.decode()
    assert "This licence is valid." in verify
    unknown = client.get(reverse("licence_verify") + "?number=L-99-1400-9999").content.decode()
    assert "No licence with this number is on record." in unknown


def test_refused_input_is_told_in_english(world: dict[str, Any]) -> None:
    """Messages of a refused form, under its fields and at the top of the page, are English too."""
    client = english(world["manager"])
    check, postponed = checker()
    page = client.post(reverse("application_create"), {"county": "NOPE", "founder_kind": "natural",
                                                         "capacity": "999999"})
    html = page.content.decode()
    assert page.status_code == 200 and "There is no county with this code within your reach." in html
    assert "Proposed name of the institute" in html and "Founder&#x27;s national code / national ID" in html
    assert not check(read(reverse("application_create"), 200, own_content(html), "en"))
    licence = world["licence"]
    url = reverse("licence_decide", args=[licence.pk])
    html = client.post(url, {"kind": "suspend", "reason": "تخلف"}, follow=True).content.decode()
    assert "Set the end of effect for this decision." in html
    assert not check(read(licence.get_absolute_url(), 200, own_content(html), "en"))
    expiry = jalali.format_date(fresh(licence).expires_on, persian_digits=False)
    beyond = jalali.format_date(fresh(licence).expires_on + dt.timedelta(days=1), persian_digits=False)
    html = client.post(url, {"kind": "enrollment_ban", "reason": "تخلف", "effective_until": beyond},
                       follow=True).content.decode()
    assert f"The end of effect is later than the licence&#x27;s expiry ({expiry})." in html  # messages: |digits
    assert not check(read(licence.get_absolute_url(), 200, own_content(html), "en"))
    # The institute applies to renew a year and more before its licence expires: refused, with the date.
    renew = reverse("application_renew", args=[world["institute"].pk])
    html = english(world["institute_manager"]).post(renew, {
        "founder_kind": "natural", "founder_name": "سمیه رضایی", "founder_code": code("008457594"),
        "manager_name": "سمیه رضایی", "manager_national_code": code("008457594"), "licence_type": "jim",
        "clusters": ["services"], "address": "قزوین، خیابان فردوسی", "capacity": "40"}).content.decode()
    assert "An application for renewal is accepted from six months before the licence expires" in html
    assert not check(read(renew, 200, own_content(html), "en"))
    assert not postponed, postponed


def test_a_revoked_licence_reads_revoked(world: dict[str, Any]) -> None:
    services.decide(world["hq_planner"], world["far_licence"], D(kind="revoke", reason="تخلف مکرر"))
    response = english(world["hq_planner"]).get(reverse("licence_verify_number", args=[world["far_licence"].number]))
    if response.status_code != 200:
        pytest.fail(f"the verification page answered {response.status_code}")
    assert "✘ Revoked" in response.content.decode()


def test_the_check_counts_persian_digits_as_persian() -> None:
    """The crawler's PERSIAN_LETTERS takes in Persian and Arabic-Indic digits: a page with «۱۴۰۵» fails it."""
    assert all(PERSIAN_LETTERS.search(d) for d in "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩")
    assert layout_and_language(None)(read("/", 200, "<nav></nav><p>Year ۱۴۰۵</p>", "en"))





