"""Skill tests after the courses, the certificates of those who pass, and a few revoked or suspended ones
so that public verification shows every status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from maharat.common import jalali
from maharat.common.bulk import allocate_ids, copy_rows
from maharat.training.models import CourseRun, EnrollmentStatus

from .base import BuilderBase


class CertificateSteps(BuilderBase):
    def assess(self, runs: list[CourseRun], trainees: dict[Any, Any], enrollments: list[tuple]) -> None:
        """Skill tests after the courses of 1404 and this year: most who completed sit the test two or three
        weeks after the course, four in five pass, and passes get a signed certificate a few days later."""
        from maharat.assessment.models import Candidate, Certificate, TestSession
        from maharat.assessment.services import build_payload
        from maharat.assessment.signing import canonical, new_serial, sign

        rng = self.rng
        by_run: dict[int, list[tuple]] = {}
        for row in enrollments:
            if row[4] == EnrollmentStatus.COMPLETED:
                by_run.setdefault(row[1], []).append(row)
        sessions, certificates = [], []
        candidates: list[tuple[object, ...]] = []
        session_ids = iter(allocate_ids(TestSession, len(runs)))
        candidate_ids = iter(allocate_ids(Candidate, len(enrollments)))
        for run in runs:
            year = jalali.from_gregorian(run.end_date).year
            held = run.end_date + dt.timedelta(days=rng.randint(10, 25))
            if year < self.assessed_from or held > self.today - dt.timedelta(days=2) or run.pk not in by_run:
                continue
            province_id = run.unit.province_id
            assessor = (self.assessment_centers.get(province_id) if province_id is not None else None) or run.unit
            session = TestSession(id=next(session_ids), code=f"T-{run.code}", standard=run.standard,
                                  assessor_unit=assessor, held_on=held, capacity=30, is_closed=True)
            sessions.append(session)
            for enrollment_id, _run, trainee_id, *_ in by_run[run.pk]:
                if rng.random() > 0.85:
                    continue
                theory, practice = rng.randint(45, 100), rng.randint(60, 100)
                passed = theory >= 50 and practice >= 70
                # A plain row, not a model instance: there are tens of thousands of candidates.
                candidate_id = next(candidate_ids)
                candidates.append((candidate_id, session.id, trainee_id, enrollment_id, theory, practice,
                                   "pass" if passed else "fail", 1))
                issued = held + dt.timedelta(days=rng.randint(3, 9))
                if not passed or issued > self.today or (trainee_id, run.standard_id) in self.certified:
                    continue
                self.certified.add((trainee_id, run.standard_id))
                cert = Certificate(serial=new_serial(rng), trainee_id=trainee_id, standard=run.standard,
                                   candidate_id=candidate_id, issuing_unit=assessor, training_unit=run.unit, issued_on=issued)
                # The holder is already in memory (a light record in the national build): no query per certificate.
                Certificate.trainee.field.set_cached_value(cert, trainees[trainee_id])
                payload = build_payload(cert)
                cert.payload, cert.signature = canonical(payload).decode("utf-8"), sign(payload)
                certificates.append(cert)
        copy_rows(TestSession, ("id", "code", "standard_id", "assessor_unit_id", "held_on", "capacity", "is_closed"),
                  ((x.id, x.code, x.standard_id, x.assessor_unit_id, x.held_on, x.capacity, x.is_closed) for x in sessions))
        copy_rows(Candidate, ("id", "session_id", "trainee_id", "enrollment_id", "theory_score", "practice_score", "result",
                              "attempt"), candidates)
        copy_rows(Certificate, ("serial", "trainee_id", "standard_id", "candidate_id", "issuing_unit_id", "training_unit_id",
                                "issued_on", "revision", "status", "status_reason", "payload", "signature"),
                  ((c.serial, c.trainee_id, c.standard_id, c.candidate_id, c.issuing_unit_id, c.training_unit_id,
                    c.issued_on, 1, "valid", "", c.payload, c.signature) for c in certificates))
        self.report.counts["test_sessions"] += len(sessions)
        self.report.counts["candidates"] += len(candidates)
        self.report.counts["certificates"] += len(certificates)

    def revoke_a_few(self) -> None:
        """A handful of revoked and suspended certificates, so verification shows every status."""
        from maharat.assessment.models import Certificate, CertificateStatus

        tz = timezone.get_current_timezone()
        for i, cert in enumerate(Certificate.objects.order_by("-id")[:6]):
            cert.status = CertificateStatus.REVOKED if i % 2 == 0 else CertificateStatus.SUSPENDED
            cert.status_reason = "صدور بر پایه مدارک نادرست" if i % 2 == 0 else "در حال بررسی شکایت"
            cert.status_changed_at = dt.datetime.combine(self.today, dt.time(9), tzinfo=tz)
            cert.save(update_fields=["status", "status_reason", "status_changed_at"])


def demo_certificates() -> list[tuple[str, str]]:
    """(serial, what it shows) for trying the public verification page."""
    from maharat.assessment.models import Certificate, CertificateStatus

    out = []
    for status, label in ((CertificateStatus.VALID, "معتبر"), (CertificateStatus.REVOKED, "باطل‌شده"),
                          (CertificateStatus.SUSPENDED, "معلق")):
        cert = Certificate.objects.filter(status=status).order_by("training_unit__path", "id").first()
        if cert:
            out.append((cert.serial, label))
    return out
