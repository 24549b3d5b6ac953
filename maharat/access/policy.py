"""The permission layer: who may see and change what. Pages, lists, search, exports, the admin and the
API all call these functions; none of them filters by unit on its own.

Two questions, always in this order:
1. may this role do this action on this kind of record at all? (roles.PERMISSIONS)
2. is the record inside the subtree of the account's unit? (scope / unit_of)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from maharat.assessment.models import Candidate, Certificate, TestSession
from maharat.catalog.models import Standard
from maharat.org.models import Unit, UnitKind
from maharat.org.selectors import subtree_q
from maharat.people.models import Trainee, Trainer
from maharat.plans.models import Commitment
from maharat.training.models import CourseRun, Enrollment, Workshop

from .roles import Role, allowed

RECORD_OF_MODEL: dict[type[Model], str] = {
    Unit: "unit", Standard: "standard", Trainee: "trainee", Trainer: "trainer", Workshop: "workshop",
    CourseRun: "courserun", Enrollment: "enrollment", Commitment: "commitment",
    TestSession: "assessment", Candidate: "assessment", Certificate: "assessment",
}
# How each kind of record reaches the unit it belongs to.
UNIT_PREFIX = {"unit": "", "trainer": "home_unit__", "workshop": "unit__", "courserun": "unit__",
               "enrollment": "course_run__unit__", "commitment": "unit__"}
# Records that belong to the unit above the one they describe: a unit's own record (its name, its place in
# the tree) and its commitments are set by its parent, so nobody edits the root of their own subtree (a
# province does not rename itself, nor raise its own commitment).
OWNED_BY_PARENT = ("unit", "commitment")
# Assessment records reach their unit in different ways, per model.
ASSESSMENT_PREFIX = {TestSession: "assessor_unit__", Candidate: "session__assessor_unit__"}


@dataclass(frozen=True)
class Actor:
    role: str | None
    unit: Unit | None
    superuser: bool = False

    @property
    def national(self) -> bool:
        return self.superuser or (self.unit is not None and self.unit.kind == UnitKind.HQ)


def actor_of(user: Any) -> Actor:
    """The user's role and unit; cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return Actor(None, None)
    cached = getattr(user, "_maharat_actor", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        actor = Actor(Role.HQ_PLANNER, Unit.objects.filter(kind=UnitKind.HQ).first(), superuser=True)
    else:
        account = getattr(user, "account", None) if hasattr(user, "account") else None
        actor = Actor(account.role, account.unit) if account else Actor(None, None)
    user._maharat_actor = actor
    return actor


def record_of(model_or_obj: Any) -> str:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    return RECORD_OF_MODEL[model]


def governed(model: type[Model]) -> bool:
    """Is this kind of record scoped by the permission layer (as opposed to shared lists such as target groups)?"""
    return model in RECORD_OF_MODEL


def may(user: Any, action: str, record: str) -> bool:
    """Role check only: may this user's role do `action` on this kind of record anywhere in its scope?"""
    actor = actor_of(user)
    return actor.superuser or (actor.role is not None and allowed(actor.role, record, action))


def _trainee_scope(unit: Unit) -> Q:
    enrolled_here = Enrollment.objects.filter(subtree_q(unit, "course_run__unit__"), trainee=OuterRef("pk"))
    return subtree_q(unit, "registered_unit__") | Q(Exists(enrolled_here))


def scope(user: Any, qs: QuerySet, action: str = "view") -> QuerySet:
    """The part of `qs` this user may see (or act on): empty when the role may not, else its subtree."""
    record = record_of(qs.model)
    if not may(user, action, record):
        return qs.none()
    actor = actor_of(user)
    if record == "standard" or actor.national:
        return qs
    unit = actor.unit
    assert unit is not None
    if actor.role == Role.PARTNER_VIEWER:
        # A partner organisation sees only the trainees it referred, and their training.
        if record == "trainee":
            return qs.filter(referred_by=unit)
        if record == "enrollment":
            return qs.filter(trainee__referred_by=unit)
        if record == "courserun":
            return qs.filter(Exists(Enrollment.objects.filter(course_run=OuterRef("pk"), trainee__referred_by=unit)))
        return qs.none()
    if record == "trainee":
        return qs.filter(_trainee_scope(unit))
    if qs.model is Certificate:
        # Certificates issued here, or earned by people trained here.
        return qs.filter(subtree_q(unit, "issuing_unit__") | subtree_q(unit, "training_unit__"))
    if record == "assessment":
        return qs.filter(subtree_q(unit, ASSESSMENT_PREFIX[qs.model]))
    return qs.filter(subtree_q(unit, UNIT_PREFIX[record]))


def unit_of(obj: Model) -> Unit | None:
    record = record_of(obj)
    if record == "unit":
        return obj.parent if obj.pk is None else obj  # type: ignore[attr-defined, return-value]
    if record == "trainee":
        return obj.registered_unit  # type: ignore[attr-defined]
    if record == "trainer":
        return obj.home_unit  # type: ignore[attr-defined]
    if record in ("workshop", "courserun"):
        return obj.unit  # type: ignore[attr-defined]
    if record == "enrollment":
        return obj.course_run.unit  # type: ignore[attr-defined]
    if record == "commitment":
        return obj.unit  # type: ignore[attr-defined]
    if isinstance(obj, TestSession):
        return obj.assessor_unit
    if isinstance(obj, Candidate):
        return obj.session.assessor_unit
    if isinstance(obj, Certificate):
        return obj.issuing_unit
    return None


def in_subtree(unit: Unit | None, root: Unit) -> bool:
    if unit is None:
        return False
    return unit.path.startswith(root.path)


def can(user: Any, action: str, obj: Model) -> bool:
    """May the user do `action` on this record (an existing one, or one about to be added)?"""
    record = record_of(obj)
    if not may(user, action, record):
        return False
    actor = actor_of(user)
    if record == "standard" or actor.national:
        return True
    if obj.pk is not None and action == "view":
        return scope(user, type(obj).objects.filter(pk=obj.pk)).exists()
    if actor.role == Role.PARTNER_VIEWER:
        return False  # partners only ever read
    assert actor.unit is not None
    if record in OWNED_BY_PARENT:
        return in_subtree(owner_unit(obj), actor.unit)
    if record == "enrollment" and action == "add" and not _trainee_reachable(user, obj):
        return False
    return in_subtree(unit_of(obj), actor.unit)


def owner_unit(obj: Model) -> Unit | None:
    """The unit whose subtree a write must lie in: for a unit its parent (where it is, or where it goes),
    for a commitment its unit's parent; for every other record the unit it belongs to."""
    record = record_of(obj)
    if record == "unit":
        return obj.parent  # type: ignore[attr-defined]
    if record == "commitment":
        return obj.unit.parent if obj.unit_id else None  # type: ignore[attr-defined]
    return unit_of(obj)


def _trainee_reachable(user: Any, enrollment: Model) -> bool:
    """Enrolling someone needs them inside one's scope, or their identity confirmed by the enrolling desk
    (people.selectors.trainee_at_desk: national code and birth date together); otherwise enrolling
    a stranger's code would open their personal record to the enrolling unit."""
    if getattr(enrollment, "identity_confirmed", False):
        return True
    trainee_id = enrollment.trainee_id  # type: ignore[attr-defined]
    if trainee_id is None:
        return True  # asked before anyone is named (may this desk enrol into this run at all?)
    return scope(user, Trainee.objects.filter(pk=trainee_id)).exists()


def require(user: Any, action: str, obj: Model) -> None:
    if not can(user, action, obj):
        raise PermissionDenied(_("شما اجازه این کار را روی این رکورد ندارید."))


def require_may(user: Any, action: str, record: str) -> None:
    if not may(user, action, record):
        raise PermissionDenied(_("نقش شما اجازه این کار را ندارد."))


def require_in_scope(user: Any, action: str, record: str, unit: Unit) -> None:
    """The role may do `action` on this kind of record, and `unit` lies in the user's subtree."""
    if not may(user, action, record):
        raise PermissionDenied(_("نقش شما اجازه این کار را ندارد."))
    actor = actor_of(user)
    if not actor.national and not in_subtree(unit, actor.unit):  # type: ignore[arg-type]
        raise PermissionDenied(_("این واحد در حوزه شما نیست."))
