"""The permission layer: who may see and change what. Pages, lists, search, exports, the admin and the
API all call these functions; none of them filters by unit on its own.

Two questions, always in this order:
1. may this role do this action on this kind of record at all? (the roles its app declared, records.py)
2. is the record inside the subtree of the account's unit? (scope / unit_of, by the paths declared there)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from maharat.common.users import MaybeUser

from . import records as declared
from .records import Path, Record, Via
from .roles import REFERRAL_ROLES, Role


@dataclass(frozen=True)
class Actor:
    role: str | None
    unit: Any  # the account's unit (the tree's model, org.Unit), or None
    superuser: bool = False

    @property
    def national(self) -> bool:
        # The root of the tree (HQ) sees and acts everywhere.
        return self.superuser or (self.unit is not None and declared.tree().is_root(self.unit))

    @property
    def referral(self) -> bool:
        """Sees only what its organisation referred (a partner), never a subtree."""
        return self.role in REFERRAL_ROLES


def actor_of(user: MaybeUser) -> Actor:
    """The user's role and unit; cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return Actor(None, None)
    cached = getattr(user, "_maharat_actor", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        actor = Actor(Role.HQ_PLANNER, declared.tree().root(), superuser=True)
    else:
        account = getattr(user, "account", None) if hasattr(user, "account") else None
        actor = Actor(account.role, account.unit) if account else Actor(None, None)
    setattr(user, "_maharat_actor", actor)  # noqa: B010  (the request's cache, not a model field)
    return actor


def _declaration(model_or_obj: Any) -> Record:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    found = declared.record_for(model)
    if found is None:
        raise LookupError(f"{model.__name__} is not declared in its app's records.py")
    return found


def record_of(model_or_obj: Any) -> str:
    """The kind of record (the row of the permission matrix) a model or an object belongs to."""
    return _declaration(model_or_obj).kind


def governed(model: type[Model]) -> bool:
    """Is this kind of record scoped by the permission layer (as opposed to shared lists such as target groups)?"""
    return declared.record_for(model) is not None


def may(user: MaybeUser, action: str, record: str) -> bool:
    """Role check only: may this user's role do `action` on this kind of record anywhere in its scope?"""
    actor = actor_of(user)
    return actor.superuser or (actor.role is not None and declared.allowed(actor.role, record, action))


def _prefix(path: str) -> str:
    return f"{path}__" if path else ""


def _into(path: str, unit: Any) -> Q:
    """`path` (a lookup to a unit) leads into `unit`'s subtree: its foreign key among the subtree's units, as a
    subquery. Testing the subtree on the joined unit row instead (`unit.province_id = 28 OR unit.id = 28`)
    let PostgreSQL merge-join every course run of the country to the units in id order to count a province's
    enrollments (530 ms); against the subquery it walks the province's units (6 ms)."""
    tree = declared.tree()
    if not path:  # the unit records themselves
        return tree.subtree_q(unit, "")
    return Q(**{f"{path}__in": tree.model._default_manager.filter(tree.subtree_q(unit, "")).order_by().values("pk")})


def _reached(path: Path, unit: Any) -> Q:
    """Records whose `path` leads into `unit`'s subtree."""
    if isinstance(path, Via):
        through = path.model._default_manager.filter(_into(path.path, unit), **{path.link: OuterRef("pk")})
        return Q(Exists(through))
    return _into(path, unit)


def _ids(model: type[Model], path: Path, unit: Any) -> QuerySet:
    """The ids of `model`'s records that `path` leads into `unit`'s subtree, as a subquery."""
    if isinstance(path, Via):
        return path.model._default_manager.filter(_into(path.path, unit)).order_by().values(path.link)
    return model._default_manager.filter(_into(path, unit)).order_by().values("pk")


def _referred(path: Path, unit: Any) -> Q:
    if isinstance(path, Via):
        return Q(Exists(path.model._default_manager.filter(**{path.link: OuterRef("pk"), path.path: unit})))
    return Q(**{path: unit})


def scope(user: MaybeUser, qs: QuerySet, action: str = "view") -> QuerySet:
    """The part of `qs` this user may see (or act on): empty when the role may not, else its subtree."""
    rec = _declaration(qs.model)
    if not may(user, action, rec.kind):
        return qs.none()
    actor = actor_of(user)
    if rec.unit is None or actor.national:
        return qs
    unit = actor.unit
    assert unit is not None
    if actor.referral:
        # A partner organisation sees only the people it referred, and their training.
        return qs.filter(_referred(rec.referred, unit)) if rec.referred is not None else qs.none()
    paths = [rec.unit, *rec.seen_at]
    if len(paths) > 1 and not declared.tree().is_broad(unit):
        # Reached in more than one way (a trainee: registered here, or trained here; a certificate: issued
        # here, or its holder trained here): below a county, the ids of each way, united, instead of OR-ing the
        # ways per row, which made PostgreSQL test every record of the country for a center's list (a center's
        # trainee page: 1.0 s + 2.4 s counting -> 21 ms + 18 ms at 10 million enrollments; its certificates
        # 523 ms -> 32 ms). A province's subtree is most of its records: there the per-row
        # test stops early and wins (trainees 0.57 s against 2.8 s), so it keeps it.
        ids = [_ids(qs.model, p, unit) for p in paths]
        return qs.filter(pk__in=ids[0].union(*ids[1:]))
    where = _reached(rec.unit, unit)
    for path in rec.seen_at:
        where |= _reached(path, unit)
    return qs.filter(where)


def _walk(obj: Any, path: str) -> Any:
    """Follow a lookup path on an object; None where a link is not set yet (a new record's empty foreign key)."""
    for step in path.split("__") if path else ():
        if obj is None or getattr(obj, f"{step}_id", True) is None:
            return None
        obj = getattr(obj, step)
    return obj


def unit_of(obj: Model) -> Any:
    """The unit a record belongs to (a new unit's: its parent, where it will be)."""
    rec = _declaration(obj)
    if rec.unit is None:
        return None
    if rec.unit == "":
        return obj if obj.pk is not None else obj.parent  # type: ignore[attr-defined]
    return _walk(obj, rec.unit)


def period_keys(obj: Model | None) -> list[tuple[int, Any]]:
    """The (unit id, day) whose monthly period locks a record; master data belongs to none."""
    rec = declared.record_for(type(obj)) if obj is not None else None
    if rec is None or rec.lock_day is None or not rec.unit:
        return []
    *steps, last = rec.unit.split("__")
    holder = _walk(obj, "__".join(steps))
    unit_id = getattr(holder, f"{last}_id", None) if holder is not None else None
    day = _walk(obj, rec.lock_day)
    return [(unit_id, day)] if unit_id is not None and day is not None else []


def in_subtree(unit: Any, root: Any) -> bool:
    if unit is None:
        return False
    return unit.path.startswith(root.path)


def can(user: MaybeUser, action: str, obj: Model) -> bool:
    """May the user do `action` on this record (an existing one, or one about to be added)?"""
    rec = _declaration(obj)
    if not may(user, action, rec.kind):
        return False
    actor = actor_of(user)
    if rec.unit is None or actor.national:
        return True
    if obj.pk is not None and action == "view":
        return scope(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()
    if actor.referral:
        return False  # partners only ever read
    assert actor.unit is not None
    if rec.write_check is not None and not rec.write_check(user, obj, action):
        return False
    return in_subtree(owner_unit(obj), actor.unit)


def owner_unit(obj: Model) -> Any:
    """The unit whose subtree a write must lie in: for a unit its parent (where it is, or where it goes),
    for a commitment its unit's parent; for every other record the unit it belongs to."""
    rec = _declaration(obj)
    if rec.owner is not None:
        return _walk(obj, rec.owner)
    return unit_of(obj)


def require(user: MaybeUser, action: str, obj: Model) -> None:
    if not can(user, action, obj):
        raise PermissionDenied(_("شما اجازه این کار را روی این رکورد ندارید."))


def require_may(user: MaybeUser, action: str, record: str) -> None:
    if not may(user, action, record):
        raise PermissionDenied(_("نقش شما اجازه این کار را ندارد."))


def require_in_scope(user: MaybeUser, action: str, record: str, unit: Any) -> None:
    """The role may do `action` on this kind of record, and `unit` lies in the user's subtree."""
    if not may(user, action, record):
        raise PermissionDenied(_("نقش شما اجازه این کار را ندارد."))
    actor = actor_of(user)
    if not actor.national and not in_subtree(unit, actor.unit):
        raise PermissionDenied(_("این واحد در حوزه شما نیست."))
