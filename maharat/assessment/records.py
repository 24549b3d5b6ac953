"""Skill tests, candidates and certificates."""

from django.utils.translation import gettext_lazy as _

from maharat.access.records import ADD, CHANGE, VIEW, kind, menu, record
from maharat.access.roles import Role

from .models import Candidate, Certificate, TestSession

FULL = {VIEW, ADD, CHANGE, "revoke"}
kind("assessment", _("آزمون و گواهینامه"), roles={
    Role.HQ_PLANNER: FULL, Role.HQ_VIEWER: {VIEW}, Role.PROVINCIAL_MANAGER: FULL,
    Role.PROVINCIAL_EXPERT: {VIEW, ADD, CHANGE}, Role.CENTER_HEAD: {VIEW, ADD, CHANGE}, Role.ASSESSOR: FULL,
})
record(TestSession, kind="assessment", unit="assessor_unit")
record(Candidate, kind="assessment", unit="session__assessor_unit")
# A certificate is seen where it was issued and where its holder was trained.
record(Certificate, kind="assessment", unit="issuing_unit", seen_at=["training_unit"])

menu(_("آزمون‌های مهارت"), "testsession_list", kind="assessment", group="records", order=110)
menu(_("گواهینامه‌ها"), "certificate_list", kind="assessment", group="records", order=120)
