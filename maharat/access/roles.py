"""Roles and what each may do: the one table the permission layer (policy.py) and its tests read.

Actions: view, add, change, delete on kinds of record; submit / approve / accept on monthly periods;
grant on period exceptions; view on the audit trail. Where a role may act is its unit's subtree
(policy.py); this table says only what it may do there.
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


# Kinds of record, by the name the policy and the pages use.
RECORDS = ("unit", "standard", "trainee", "trainer", "workshop", "courserun", "enrollment", "period", "audit",
           "commitment", "monitoring", "assessment")

V, A, C, D = "view", "add", "change", "delete"
CRUD = {V, A, C, D}
TRAINING = {"trainee": CRUD, "trainer": CRUD, "workshop": CRUD, "courserun": CRUD, "enrollment": CRUD}

PERMISSIONS: dict[str, dict[str, set[str]]] = {
    Role.HQ_PLANNER: {
        "unit": CRUD, "standard": CRUD, **TRAINING,
        "period": {V, "accept", "return", "grant", "close"}, "audit": {V},
        "commitment": CRUD, "monitoring": {V}, "assessment": {V, A, C, "revoke"},
    },
    Role.HQ_VIEWER: {kind: {V} for kind in ("unit", "standard", "trainee", "trainer", "workshop", "courserun",
                                             "enrollment", "period", "audit", "commitment", "monitoring",
                                             "assessment")},
    Role.PROVINCIAL_MANAGER: {
        "unit": CRUD, "standard": {V}, **TRAINING, "period": {V, "approve", "return", "grant"}, "audit": {V},
        "commitment": CRUD, "monitoring": {V}, "assessment": {V, A, C, "revoke"},
    },
    Role.PROVINCIAL_EXPERT: {"unit": {V}, "standard": {V}, **TRAINING, "period": {V}, "commitment": {V},
                             "monitoring": {V}, "assessment": {V, A, C}},
    Role.CENTER_HEAD: {
        "unit": {V}, "standard": {V}, **TRAINING, "trainer": {V, C}, "period": {V, "submit"}, "audit": {V},
        "commitment": {V}, "monitoring": {V}, "assessment": {V, A, C},
    },
    Role.INSTITUTE_MANAGER: {
        "unit": {V}, "standard": {V}, **TRAINING, "trainer": {V, A, C}, "period": {V, "submit"},
        "commitment": {V}, "monitoring": {V},
    },
    Role.TRAINER: {"unit": {V}, "standard": {V}, "trainee": {V}, "courserun": {V}, "enrollment": {V, C},
                   "workshop": {V}, "trainer": {V}},
    Role.ASSESSOR: {"unit": {V}, "standard": {V}, "trainee": {V}, "courserun": {V}, "enrollment": {V},
                    "assessment": {V, A, C, "revoke"}},
    Role.PARTNER_VIEWER: {"standard": {V}, "trainee": {V}, "enrollment": {V}, "courserun": {V}},
}

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
    return action in PERMISSIONS.get(role, {}).get(record, set())
