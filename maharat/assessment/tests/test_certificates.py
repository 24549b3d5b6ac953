"""Assessment and certificates, end to end: enrollment → test → pass → certificate PDF → public verification
→ revocation, plus signatures, tampering, serials, re-issue, re-sits, prior learning and rate limits."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maharat.access.models import Account
from maharat.assessment import services, signing
from maharat.assessment.models import Candidate, Certificate, PassRule, Result, TestSession
from maharat.factories import CourseRunFactory, EnrollmentFactory, StandardFactory, TraineeFactory, make_unit
from maharat.org.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessor(django_user_model):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user("assessor1", password="assess-pass-123")
    Account.objects.create(user=user, role="provincial_manager", unit=Unit.objects.get(code="IR-26"))
    return user


@pytest.fixture
def course():  # type: ignore[no-untyped-def]
    center = make_unit(name="مرکز شماره ۱ قزوین")
    run = CourseRunFactory(unit=center, hours=240, standard=StandardFactory(title="جوشکار سازه‌های فلزی"))
    people = [TraineeFactory(first_name=first, last_name=last, registered_unit=center)
              for first, last in (("زهرا", "احمدی"), ("مریم", "بهرامی"), ("سارا", "نوری"))]
    for t in people:
        EnrollmentFactory(course_run=run, trainee=t, hours_attended=240, status="completed")
    session = TestSession.objects.create(code="T-1", standard=run.standard, assessor_unit=center,
                                         held_on=timezone.localdate())
    return run, people, session


def pdf_text(data: bytes, tmp_path) -> str:  # type: ignore[no-untyped-def]
    assert shutil.which("pdftotext"), "poppler-utils is missing: `make test` installs it"
    path = tmp_path / "c.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    # pdftotext marks direction runs with bidi controls; what matters is the letters and their order.
    text = re.sub("[\u202a-\u202e\u2066-\u2069]", "", text)
    return re.sub("[ \t]+", " ", text)


def test_end_to_end(client, assessor, course, tmp_path) -> None:  # type: ignore[no-untyped-def]
    run, people, session = course
    client.force_login(assessor)
    client.post(reverse("testsession_action", args=[session.pk, "from_run"]), {"course_run": run.code})
    candidates = list(session.candidates.order_by("trainee__last_name"))
    assert [c.trainee for c in candidates] == people
    scores = {f"theory-{candidates[0].pk}": "۸۰", f"practice-{candidates[0].pk}": "90",  # Persian digits accepted
              f"theory-{candidates[1].pk}": "40", f"practice-{candidates[1].pk}": "95",
              f"absent-{candidates[2].pk}": "on"}
    client.post(reverse("testsession_action", args=[session.pk, "results"]), scores)
    assert [c.result for c in session.candidates.order_by("trainee__last_name")] == [Result.PASS, Result.FAIL, Result.ABSENT]
    client.post(reverse("testsession_action", args=[session.pk, "issue"]))
    cert = Certificate.objects.get()
    assert cert.trainee == people[0] and cert.revision == 1

    # The PDF: Persian text shaped and in order, the masked national code, the serial and the QR target.
    response = client.get(reverse("certificate_pdf", args=[cert.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "گواهینامه مهارت" in text
    assert "گواهی میشود زهرا احمدی" in text.replace("\u200c", "")
    # (a title without the lam-alef ligature: pdftotext spells that glyph back as alef-lam)
    assert "جوشکار سازههای فلزی" in text.replace("\u200c", "")
    assert cert.serial in text
    masked = services.masked_national_code(people[0].national_code)
    assert masked.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in text
    assert people[0].national_code not in text  # never the whole code
    # No drawn placeholder seal: the certificate shows the start of its real signature.
    assert "مهر\nسازمان" not in text and cert.signature[:12] in text.replace("\n", "")

    # Public verification: valid, then revoked with its date and reason, visible at once.
    page = client.get(reverse("verify_serial", args=[cert.serial.lower().replace("-", " ")]))
    assert page.context["verdict"].status == "valid"
    assert page.context["verdict"].holder == people[0].full_name
    assert people[0].national_code not in page.content.decode()
    client.post(reverse("certificate_status", args=[cert.pk]), {"status": "revoked", "reason": "مدرک جعلی"})
    verdict = client.get(reverse("api_verify_serial", args=[cert.serial])).json()
    assert verdict["status"] == "revoked" and verdict["reason"] == "مدرک جعلی" and verdict["status_changed_on"]

    # A signed payload checks out offline with the published key; a tampered one does not.
    pem = client.get(reverse("verify_public_key")).content
    key = serialization.load_pem_public_key(pem)
    payload = json.loads(cert.payload)
    raw = base64.urlsafe_b64decode(cert.signature + "=" * (-len(cert.signature) % 4))
    key.verify(raw, signing.canonical(payload))  # raises if invalid
    ok = client.post(reverse("api_verify_payload"), {"payload": payload, "signature": cert.signature},
                     content_type="application/json").json()
    assert ok["signature_valid"] is True and ok["status"] == "revoked" and ok["current"] is True
    tampered = {**payload, "standard": {**payload["standard"], "hours": 2400}}
    bad = client.post(reverse("api_verify_payload"), {"payload": tampered, "signature": cert.signature},
                      content_type="application/json").json()
    assert bad["signature_valid"] is False and bad["status"] == "unknown"


def test_certificates_count_in_monitoring(assessor, course) -> None:  # type: ignore[no-untyped-def]
    from maharat.common import jalali
    from maharat.monitoring.selectors import node_measures

    run, people, session = course
    services.register_from_course_run(user=assessor, session=session, run=run)
    for c, (t, p) in zip(session.candidates.order_by("trainee__last_name"), [(90, 90), (20, 20), (60, 75)], strict=True):
        services.record_result(user=assessor, candidate=c, theory=t, practice=p)
    services.issue_for_session(user=assessor, session=session)
    year = jalali.today().year
    m = node_measures([Unit.objects.get(code="IR-26").pk], year)[Unit.objects.get(code="IR-26").pk]
    assert (m["assessed"], m["passed"], m["certificates"]) == (3, 2, 2)


def test_reissue_replaces_and_never_duplicates(assessor, course) -> None:  # type: ignore[no-untyped-def]
    run, people, session = course
    c = services.register_candidate(user=assessor, session=session, trainee=people[0])
    services.record_result(user=assessor, candidate=c, theory=70, practice=80)
    first = services.issue(user=assessor, candidate=c)
    again = services.issue(user=assessor, candidate=c)
    assert Certificate.objects.count() == 1
    assert again.pk == first.pk and again.serial == first.serial and again.revision == 2
    assert json.loads(again.payload)["revision"] == 2 and signing.verify(json.loads(again.payload), again.signature)
    old_payload = {**json.loads(again.payload), "revision": 1}
    assert not signing.verify(old_payload, again.signature)


def test_only_a_pass_gets_a_certificate_and_pass_rules_apply(assessor, course) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    run, people, session = course
    PassRule.objects.create(standard=run.standard, min_theory=60, min_practice=60)
    c = services.register_candidate(user=assessor, session=session, trainee=people[0])
    services.record_result(user=assessor, candidate=c, theory=59, practice=100)
    assert c.result == Result.FAIL
    with pytest.raises(ValidationError):
        services.issue(user=assessor, candidate=c)
    with pytest.raises(ValidationError):
        services.record_result(user=assessor, candidate=c, theory=101, practice=50)


def test_resit_and_prior_learning(assessor, course) -> None:  # type: ignore[no-untyped-def]
    run, people, session = course
    c1 = services.register_candidate(user=assessor, session=session, trainee=people[0])
    services.record_result(user=assessor, candidate=c1, theory=10, practice=10)
    resit = TestSession.objects.create(code="T-2", standard=run.standard, assessor_unit=session.assessor_unit,
                                       held_on=timezone.localdate())
    c2 = services.register_candidate(user=assessor, session=resit, trainee=people[0])
    assert c2.attempt == 2
    outsider = TraineeFactory()
    rpl = services.register_candidate(user=assessor, session=resit, trainee=outsider)
    assert rpl.is_rpl
    services.record_result(user=assessor, candidate=rpl, theory=90, practice=90)
    cert = services.issue(user=assessor, candidate=rpl)
    assert cert.training_unit == session.assessor_unit


def test_serials_are_random_and_self_checking() -> None:
    serials = {signing.new_serial() for _ in range(2000)}
    assert len(serials) == 2000
    s = next(iter(serials))
    assert signing.normalize_serial(s.lower().replace("-", "")) == s
    assert signing.normalize_serial(s[:-1] + ("0" if s[-1] != "0" else "1")) == ""  # a typo is caught


def test_unknown_serials_look_the_same_and_cost_the_same(client, assessor, course) -> None:  # type: ignore[no-untyped-def]
    run, people, session = course
    c = services.register_candidate(user=assessor, session=session, trainee=people[0])
    services.record_result(user=assessor, candidate=c, theory=70, practice=80)
    cert = services.issue(user=assessor, candidate=c)
    answers = {}
    for label, serial in (("known", cert.serial), ("unknown", signing.new_serial()), ("garbage", "xyz")):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("api_verify_serial", args=[serial]))
        answers[label] = (response.status_code, sorted(response.json()), len(ctx.captured_queries))
    assert answers["known"][:2] == answers["unknown"][:2] == answers["garbage"][:2]
    assert answers["known"][2] == answers["unknown"][2] == answers["garbage"][2]


def test_verification_is_rate_limited_per_client(client, settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    cache.clear()
    settings.MAHARAT_VERIFY_RATE = 5
    codes = [client.get(reverse("api_verify_serial", args=["MH-0000-0000-0000-0"]), REMOTE_ADDR="10.9.9.9").status_code
             for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
    other = client.get(reverse("api_verify_serial", args=["MH-0000-0000-0000-0"]), REMOTE_ADDR="10.9.9.8")
    assert other.status_code == 200
    cache.clear()


def test_revocation_needs_an_authorised_role(client, django_user_model, assessor, course) -> None:  # type: ignore[no-untyped-def]
    run, people, session = course
    c = services.register_candidate(user=assessor, session=session, trainee=people[0])
    services.record_result(user=assessor, candidate=c, theory=70, practice=80)
    cert = services.issue(user=assessor, candidate=c)
    expert = django_user_model.objects.create_user("exp9", password="assess-pass-123")
    Account.objects.create(user=expert, role="provincial_expert", unit=Unit.objects.get(code="IR-26"))
    client.force_login(expert)
    client.post(reverse("certificate_status", args=[cert.pk]), {"status": "revoked", "reason": "x"})
    cert.refresh_from_db()
    assert cert.status == "valid"
    from maharat.audit.models import AuditEntry

    assert AuditEntry.objects.filter(object_id=str(cert.pk), content_type__model="certificate").exists()


def _all_pass(assessor, run, session) -> None:  # type: ignore[no-untyped-def]
    """Every trainee of the run registered, passed and certified: three certificates to print."""
    services.register_from_course_run(user=assessor, session=session, run=run)
    for c in session.candidates.all():
        services.record_result(user=assessor, candidate=c, theory=80, practice=80)
    services.issue_for_session(user=assessor, session=session)


def test_batch_pdf_has_a_page_per_certificate(client, assessor, course, tmp_path) -> None:  # type: ignore[no-untyped-def]
    run, people, session = course
    _all_pass(assessor, run, session)
    client.force_login(assessor)
    run_page = client.get(reverse("courserun_detail", args=[run.pk])).content.decode()
    assert reverse("courserun_certificates_pdf", args=[run.pk]) in run_page and "(۳ " in run_page
    response = client.get(reverse("courserun_certificates_pdf", args=[run.pk]))
    path = tmp_path / "batch.pdf"
    path.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+3\n", info)
    text = pdf_text(response.content, tmp_path)
    assert text.count("گواهینامه مهارت") == 3
    assert {c.serial for c in Certificate.objects.all()} <= set(text.split())
    assert Candidate.objects.filter(session=session, result="pass").count() == 3


def test_a_cached_verdict_follows_revocation_and_a_corrected_holder_name(assessor, course) -> None:  # type: ignore[no-untyped-def]
    """Verification is served from the cache under load; a change must show on the very next request."""
    from maharat.assessment.verification import by_serial

    run, people, session = course
    c = services.register_candidate(user=assessor, session=session, trainee=people[0])
    services.record_result(user=assessor, candidate=c, theory=70, practice=80)
    cert = services.issue(user=assessor, candidate=c)
    assert by_serial(cert.serial).status == "valid"
    with CaptureQueriesContext(connection) as queries:
        assert by_serial(cert.serial).status == "valid"
    assert len(queries) == 0  # the second answer comes from the cache
    cert.status, cert.status_reason = "revoked", "مدارک نادرست"
    cert.save()
    assert by_serial(cert.serial).status == "revoked"
    trainee = cert.trainee
    trainee.last_name = "نام‌اصلاح‌شده"
    trainee.save()
    assert "نام‌اصلاح‌شده" in by_serial(cert.serial).holder
    # A guessed serial is cached too (a repeat is as fast as for a real one) and echoes only what was asked.
    guess = signing.new_serial()
    assert by_serial(guess).status == by_serial("xyz").status == "unknown"
    with CaptureQueriesContext(connection) as queries:
        assert by_serial(guess.lower()).serial == guess and by_serial("abc").serial == "abc"
    assert len(queries) == 0


def test_a_scanned_qr_page_is_kept_for_cookieless_visitors_with_their_own_csrf_token(assessor, course) -> None:  # type: ignore[no-untyped-def]
    """The public page is rendered once for visitors without cookies; each still gets a working token."""
    from django.test import Client
    from django.test.utils import override_settings

    run, people, session = course
    c = services.register_candidate(user=assessor, session=session, trainee=people[0])
    services.record_result(user=assessor, candidate=c, theory=70, practice=80)
    cert = services.issue(user=assessor, candidate=c)
    url = reverse("verify_serial", args=[cert.serial])
    first = Client(enforce_csrf_checks=True)
    assert first.get(url).status_code == 200
    second = Client(enforce_csrf_checks=True)
    with CaptureQueriesContext(connection) as queries:
        page = second.get(url)
    assert len(queries) == 0  # the verdict and the page both came from the cache
    html = page.content.decode()
    assert "data-status=\"valid\"" in html and "csrf-token-hole" not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    with override_settings(LANGUAGE_CODE="fa"):
        switched = second.post(reverse("set_language"), {"language": "en", "next": url, "csrfmiddlewaretoken": token})
    assert switched.status_code == 302  # the token filled in for this visitor passes the CSRF check
    cert.status, cert.status_reason = "revoked", "مدارک نادرست"
    cert.save()
    assert 'data-status="revoked"' in Client().get(url).content.decode()  # never a stale page


def test_the_verdict_names_the_standard_and_issuer_in_the_visitors_language(assessor, course) -> None:  # type: ignore[no-untyped-def]
    """One cached entry serves both languages: an English visitor after a Persian one still reads English."""
    from django.utils import translation

    from maharat.assessment.verification import by_serial

    run, people, session = course
    run.standard.title_en, run.unit.name_en = "Steel structure welder", "Qazvin center 1"
    run.standard.save()
    run.unit.save()
    c = services.register_candidate(user=assessor, session=session, trainee=people[0])
    services.record_result(user=assessor, candidate=c, theory=70, practice=80)
    cert = services.issue(user=assessor, candidate=c)
    with translation.override("fa"):
        persian = by_serial(cert.serial)
    with translation.override("en"):
        english = by_serial(cert.serial)
    assert (persian.standard, persian.issuer) == ("جوشکار سازه‌های فلزی", "مرکز شماره 1 قزوین")  # stored digits
    assert (english.standard, english.issuer) == ("Steel structure welder", "Qazvin center 1")
    visitor = Client()
    visitor.cookies["django_language"] = "en"  # the language switch's cookie (Persian otherwise)
    page = visitor.get(reverse("verify_serial", args=[cert.serial])).content.decode()
    assert "Steel structure welder" in page and "جوشکار" not in page


def test_a_session_batch_pdf_is_prepared_in_the_background_for_its_user(client, assessor, course, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from maharat.jobs.models import Job
    from maharat.jobs.services import run_queued
    from maharat.jobs.storage import job_storage

    run, people, session = course
    _all_pass(assessor, run, session)
    client.force_login(assessor)
    page = client.get(reverse("testsession_detail", args=[session.pk])).content.decode()
    assert reverse("job_export") in page  # the "in the background" button beside the PDF link
    client.post(reverse("job_export"), {"url": reverse("testsession_pdf", args=[session.pk]), "title": session.code})
    assert run_queued() == 1
    job = Job.objects.get()
    assert (job.status, job.file_type, job.file_name) == ("done", "application/pdf", f"certificates-{session.code}.pdf")
    path = tmp_path / "batch.pdf"
    path.write_bytes(job_storage().open(job.file).read())
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+3\n", info)
