"""The roles of the platform and the kind of unit each sits at.

What a role may do (view, add, change, delete on kinds of record; submit / approve / accept on monthly
periods; grant on period exceptions; view on the audit trail) is declared by each app in its records.py;
where it may do it is its unit's subtree (policy.py).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HQ_PLANNER = "hq_planner", _("برنامه‌ریز ستاد")
    HQ_VIEWER = "hq_viewer", _("ناظر ستاد")
    PROVINCIAL_MANAGER = "provincial_manager", _("مدیر کل استان")
    PROVINCIAL_EXPERT = "provincial_expert", _("کارشناس استان")
    CENTER_HEAD = "center_head", _("رئیس مرکز")
    INSTITUTE_MANAGER = "institute_manager", _("مدیر آموزشگاه آزاد")
    TRAINER = "trainer", _("مربی")
    ASSESSOR = "assessor", _("ارزیاب")
    PARTNER_VIEWER = "partner_viewer", _("ناظر شریک اجتماعی")


# What each role may do with each kind of record is declared by the app that holds the kind (its records.py,
# read through access.records); this module says only who the roles are and where they sit.

# Roles that see only what their organisation referred (a partner: the trainees it sent, and their training),
# never a subtree, and never write.
REFERRAL_ROLES = (Role.PARTNER_VIEWER,)

# Roles whose users must use a second factor when MAHARAT_REQUIRE_2FA is on.
TWO_FACTOR_ROLES = (Role.HQ_PLANNER, Role.PROVINCIAL_MANAGER)

# The kind of unit each role is attached to (checked when an account is saved).
ROLE_UNIT_KINDS: dict[str, tuple[str, ...]] = {
    Role.HQ_PLANNER: ("hq",), Role.HQ_VIEWER: ("hq",),
    Role.PROVINCIAL_MANAGER: ("province",), Role.PROVINCIAL_EXPERT: ("province",),
    Role.CENTER_HEAD: ("fixed_center", "urban_branch", "workplace_center"),
    Role.INSTITUTE_MANAGER: ("free_institute",),
    Role.TRAINER: ("fixed_center", "urban_branch", "workplace_center", "free_institute", "partner"),
    Role.ASSESSOR: ("fixed_center", "urban_branch", "province"),
    Role.PARTNER_VIEWER: ("partner",),
}


def allowed(role: str, record: str, action: str) -> bool:
    from .records import allowed as declared

    return declared(role, record, action)
