"""Writes of the assessment workflow: candidates, results, certificates, revocation. All audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.audit.models import AuditAction
from maharat.audit.services import log, log_write, snapshot
from maharat.common import jalali
from maharat.people.models import Trainee
from maharat.training.models import CourseRun, Enrollment, EnrollmentStatus

from . import signing
from .models import Candidate, Certificate, CertificateStatus, PassRule, Result, TestSession


def _require(user: Any, action: str, unit: Any) -> None:
    policy.require_in_scope(user, action, "assessment", unit)


def _next_attempt(trainee: Trainee, session: TestSession) -> int:
    return Candidate.objects.filter(trainee=trainee, session__standard=session.standard).count() + 1


@transaction.atomic
def register_from_course_run(*, user: Any, session: TestSession, run: CourseRun) -> list[Candidate]:
    """Every trainee who completed the run and has not yet passed this standard becomes a candidate."""
    _require(user, "change", session.assessor_unit)
    if run.standard_id != session.standard_id:
        raise ValidationError(_("استاندارد این دوره با استاندارد آزمون یکی نیست."))
    if session.is_closed:
        raise ValidationError(_("نتایج این آزمون نهایی شده و ثبت‌نام تازه نمی‌پذیرد."))
    added = []
    for enrollment in run.enrollments.filter(status=EnrollmentStatus.COMPLETED).select_related("trainee"):
        passed = Candidate.objects.filter(trainee=enrollment.trainee, session__standard=session.standard, result=Result.PASS)
        if passed.exists() or Candidate.objects.filter(session=session, trainee=enrollment.trainee).exists():
            continue
        added.append(_add(user, session, enrollment.trainee, enrollment))
    return added


@transaction.atomic
def register_candidate(*, user: Any, session: TestSession, trainee: Trainee, enrollment: Enrollment | None = None,
                       identity_confirmed: bool = False) -> Candidate:
    """Register one candidate; without an enrollment this is recognition of prior learning. A trainee from
    outside the user's scope only with their identity confirmed at the desk (national code and birth date),
    since a candidate's page shows the person."""
    _require(user, "change", session.assessor_unit)
    if enrollment is None and not identity_confirmed and not policy.scope(user, Trainee.objects.filter(pk=trainee.pk)).exists():
        from maharat.people.selectors import UNKNOWN_TRAINEE

        raise ValidationError({"trainee": UNKNOWN_TRAINEE})
    if session.is_closed:
        raise ValidationError(_("نتایج این آزمون نهایی شده و ثبت‌نام تازه نمی‌پذیرد."))
    if Candidate.objects.filter(session=session, trainee=trainee).exists():
        raise ValidationError({"trainee": _("این داوطلب قبلاً در این آزمون ثبت شده است.")})
    if session.capacity and session.candidates.count() >= session.capacity:
        raise ValidationError(_("ظرفیت این آزمون پر است."))
    return _add(user, session, trainee, enrollment)


def _add(user: Any, session: TestSession, trainee: Trainee, enrollment: Enrollment | None) -> Candidate:
    candidate = Candidate(session=session, trainee=trainee, enrollment=enrollment, attempt=_next_attempt(trainee, session))
    candidate.full_clean()
    candidate.save()
    log_write(instance=candidate, old=None, unit=session.assessor_unit, user=user)
    return candidate


def decide(candidate: Candidate) -> str:
    """The result the pass rule gives for the scores entered."""
    if candidate.theory_score is None or candidate.practice_score is None:
        return Result.PENDING
    rule = PassRule.objects.filter(standard_id=candidate.session.standard_id).first()
    min_theory = rule.min_theory if rule else PassRule.DEFAULT_THEORY
    min_practice = rule.min_practice if rule else PassRule.DEFAULT_PRACTICE
    ok = candidate.theory_score >= min_theory and candidate.practice_score >= min_practice
    return Result.PASS if ok else Result.FAIL


@transaction.atomic
def record_result(*, user: Any, candidate: Candidate, theory: int | None, practice: int | None, absent: bool = False) -> Candidate:
    _require(user, "change", candidate.session.assessor_unit)
    if candidate.session.is_closed:
        raise ValidationError(_("نتایج این آزمون نهایی شده است."))
    for label, value in ((_("نمره نظری"), theory), (_("نمره عملی"), practice)):
        if value is not None and not 0 <= value <= 100:
            raise ValidationError(_("{field} باید بین ۰ و ۱۰۰ باشد.").format(field=label))
    old = snapshot(candidate)
    candidate.theory_score, candidate.practice_score = (None, None) if absent else (theory, practice)
    candidate.result = Result.ABSENT if absent else decide(candidate)
    candidate.full_clean()
    candidate.save()
    log_write(instance=candidate, old=old, unit=candidate.session.assessor_unit, user=user)
    return candidate


def record_results(*, user: Any, rows: list[tuple[Candidate, int | None, int | None, bool]]) -> dict[int, str]:
    """Record a results table all or nothing: (candidate, theory, practice, absent) per touched row. Every
    row is tried; a refusal is kept against its candidate, and if any row is refused nothing is saved.
    Returns the refusals by candidate id (empty when everything was saved)."""
    refused: dict[int, str] = {}
    with transaction.atomic():
        for candidate, theory, practice, absent in rows:
            try:
                with transaction.atomic():
                    record_result(user=user, candidate=candidate, theory=theory, practice=practice, absent=absent)
            except ValidationError as exc:
                refused[candidate.pk] = " ".join(exc.messages)
        if refused:
            transaction.set_rollback(True)
    return refused


def next_session_code(unit_code: str, held_on: dt.date) -> str:
    """<unit code>-<Jalali year>-T<sequence>: made, like a course run's code, never typed."""
    prefix = f"{unit_code}-{jalali.year_of(held_on)}-T"
    last = TestSession.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first()
    seq = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{seq:04d}"


def masked_national_code(code: str) -> str:
    return f"{code[:3]}****{code[-3:]}"


def build_payload(cert: Certificate) -> dict[str, Any]:
    """What the certificate asserts, in the form that is signed and can be verified offline."""
    t, s = cert.trainee, cert.standard
    return {
        "v": 1,
        "issuer": "TVTO / Maharat",
        "serial": cert.serial,
        "revision": cert.revision,
        "holder": {"name": t.full_name, "national_code_masked": masked_national_code(t.national_code)},
        "standard": {"code": s.code, "title": s.title, "hours": s.total_hours},
        "issuing_unit": {"code": cert.issuing_unit.code, "name": cert.issuing_unit.name},
        "issued_on": cert.issued_on.isoformat(),
        "issued_on_jalali": jalali.format_date(cert.issued_on, persian_digits=False),
    }


@transaction.atomic
def issue(*, user: Any, candidate: Candidate, on: dt.date | None = None) -> Certificate:
    """Issue (or re-issue, replacing in place) the certificate for a passed candidate."""
    _require(user, "change", candidate.session.assessor_unit)
    if candidate.result != Result.PASS:
        raise ValidationError(_("گواهینامه فقط برای داوطلب قبول‌شده صادر می‌شود."))
    on = on or timezone.localdate()
    existing = Certificate.objects.select_for_update().filter(trainee=candidate.trainee, standard=candidate.session.standard).first()
    old = snapshot(existing) if existing else None
    training_unit = candidate.enrollment.course_run.unit if candidate.enrollment_id else candidate.session.assessor_unit
    if existing is None:
        cert = Certificate(serial=_unique_serial(), trainee=candidate.trainee, standard=candidate.session.standard)
    else:
        cert = existing
        cert.revision += 1
        cert.status, cert.status_reason, cert.status_changed_at = CertificateStatus.VALID, "", timezone.now()
    cert.candidate, cert.issuing_unit, cert.training_unit, cert.issued_on = (
        candidate, candidate.session.assessor_unit, training_unit, on)
    cert.payload = signing.canonical(build_payload(cert)).decode("utf-8")
    cert.signature = signing.sign(build_payload(cert))
    cert.full_clean()
    cert.save()
    log_write(instance=cert, old=old, unit=cert.issuing_unit, user=user)
    return cert


def _unique_serial() -> str:
    while True:
        serial = signing.new_serial()
        if not Certificate.objects.filter(serial=serial).exists():
            return serial


@transaction.atomic
def issue_for_session(*, user: Any, session: TestSession) -> list[Certificate]:
    return [issue(user=user, candidate=c) for c in session.candidates.filter(result=Result.PASS).select_related(
        "trainee", "enrollment__course_run__unit")]


@transaction.atomic
def change_status(*, user: Any, certificate: Certificate, status: str, reason: str) -> Certificate:
    """Revoke, suspend or reinstate, with a reason; verification shows it at once."""
    if not policy.may(user, "revoke", "assessment"):
        raise PermissionDenied(_("نقش شما اجازه ابطال یا تعلیق گواهینامه را ندارد."))
    actor = policy.actor_of(user)
    if not actor.national and not policy.in_subtree(certificate.issuing_unit, actor.unit):  # type: ignore[arg-type]
        raise PermissionDenied(_("این گواهینامه در حوزه شما صادر نشده است."))
    if status not in CertificateStatus.values:
        raise ValidationError({"status": _("وضعیت نامعتبر است.")})
    if not reason.strip():
        raise ValidationError({"reason": _("دلیل را بنویسید.")})
    old = snapshot(certificate)
    certificate.status, certificate.status_reason, certificate.status_changed_at = status, reason.strip(), timezone.now()
    certificate.save(update_fields=["status", "status_reason", "status_changed_at"])
    log(action=AuditAction.UPDATE, instance=certificate, old=old, new=snapshot(certificate), unit=certificate.issuing_unit,
        user=user, note=reason.strip())
    return certificate


@transaction.atomic
def close_session(*, user: Any, session: TestSession) -> TestSession:
    """Make a test's results final (no more registrations or scores), through the write path: audited."""
    from maharat.access import writes

    if not policy.can(user, "change", session):
        raise PermissionDenied(_("نقش شما اجازه این کار را ندارد."))
    session.is_closed = True
    return writes.save_record(user=user, instance=session, persist=lambda: _saved(session, ["is_closed"]))


def _saved(instance: Any, fields: list[str]) -> Any:
    instance.save(update_fields=fields)
    return instance
