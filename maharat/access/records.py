"""Declarations: what each app holds, where each of its records sits in the tree, and who may do what with it.

Each app says this in its own `records.py` (found at start-up by `discover()`); the permission layer
(policy.py), the write path (writes.py), the menu, the admin, the API and the importers read it. The access
app itself imports no domain app: the tree (org.Unit) is handed to it by the org app (`use_tree`).

    kind("workshop", _("کارگاه"), roles={Role.HQ_PLANNER: CRUD, Role.TRAINER: {"view"}, ...})
    record(Workshop, kind="workshop", unit="unit")
    record(Enrollment, kind="enrollment", unit="course_run__unit", lock_day="course_run__end_date",
           referred="trainee__referred_by")

A path is a Django lookup from the record to a unit ("" for a unit's own record), or a `Via` when the record
is reached through another one (a trainee is seen where they were trained: Via(Enrollment, "trainee",
"course_run__unit")).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
CRUD = frozenset({VIEW, ADD, CHANGE, DELETE})


@dataclass(frozen=True)
class Via:
    """Rows of `model` whose `link` points at the record, and whose `path` leads to a unit."""

    model: type[Model]
    link: str
    path: str


Path = str | Via


@dataclass(frozen=True)
class Kind:
    """A kind of record as roles see it: one row of the permission matrix. Several models may share a kind
    (test sessions, candidates and certificates are all "assessment"); a kind may have no model at all (a
    capability such as "monitoring" or "audit")."""

    name: str
    label: Any
    roles: Mapping[str, frozenset[str]]
    app_label: str


@dataclass
class Record:
    model: type[Model]
    kind: str
    unit: str | None  # the lookup to its unit; None: national, the same for everyone (the catalog)
    seen_at: list[Path] = field(default_factory=list)  # further places it is seen from (OR)
    owner: str | None = None  # the unit a write must lie under, when it is not `unit` (a unit's parent)
    lock_day: str | None = None  # the day whose monthly period, at `unit`, locks the record
    referred: Path | None = None  # the partner organisation that referred it (partners see only those)
    write_check: Callable[[Any, Model, str], bool] | None = None  # a further rule for writes (user, obj, action)


@dataclass(frozen=True)
class MenuEntry:
    label: Any
    url_name: str
    kind: str  # shown only to roles that may `action` this kind ("" when `visible` decides)
    action: str = VIEW
    group: str = ""  # "" for the top bar, else a dropdown's name (menu_group)
    order: int = 50
    unit_arg: bool = False  # the URL takes the code of the user's own unit
    needs_unit: bool = False  # only for accounts placed in the tree
    visible: Callable[[Any], bool] | None = None  # a further test on the user
    app_label: str = ""


@dataclass(frozen=True)
class MenuGroup:
    name: str
    label: Any
    order: int


@dataclass(frozen=True)
class Tree:
    """What the permission layer needs of the organisation tree, handed over by the app that owns it."""

    model: type[Model]
    subtree_q: Callable[[Any, str], Q]  # (unit, lookup prefix ending in "__" or "") -> filter
    root: Callable[[], Any]  # the national unit (HQ)
    is_root: Callable[[Any], bool]
    # A unit whose subtree holds a large share of the records (a province, a county): there, testing each row
    # is cheaper than collecting the ids of every way a record is reached.
    is_broad: Callable[[Any], bool] = lambda unit: False


_kinds: dict[str, Kind] = {}
_records: dict[type[Model], Record] = {}
_internal: dict[type[Model], str] = {}
_menu: list[MenuEntry] = []
_groups: dict[str, MenuGroup] = {}
_tree: list[Tree] = []


def _app_of(depth: int = 2) -> str:
    import sys

    module = sys._getframe(depth).f_globals.get("__name__", "")
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "maharat" else module


def kind(name: str, label: Any, *, roles: Mapping[str, Iterable[str]]) -> Kind:
    if name in _kinds:
        raise ValueError(f"kind of record {name!r} is declared twice")
    declared = Kind(name, label, {role: frozenset(actions) for role, actions in roles.items()}, _app_of())
    _kinds[name] = declared
    return declared


def record(model: type[Model], *, kind: str, unit: str | None, **options: Any) -> Record:
    if model in _records:
        raise ValueError(f"{model.__name__} is declared twice")
    seen_at = list(options.pop("seen_at", ()))
    declared = Record(model, kind, unit, seen_at=seen_at, **options)
    _records[model] = declared
    return declared


def seen_through(model: type[Model], via: Via) -> None:
    """A later app adds a place its records make another app's record visible from (a trainee is seen by
    the units that trained them): the app below does not need to know the one above."""
    _records[model].seen_at.append(via)


def internal(model: type[Model], why: str) -> None:
    """A model that refers to the tree but is not a record users list or write (summaries, audit entries):
    said out loud, so the start-up check can tell it from a forgotten declaration."""
    _internal[model] = why


def menu(label: Any, url_name: str, *, kind: str, **options: Any) -> None:
    _menu.append(MenuEntry(label, url_name, kind, app_label=_app_of(), **options))


def menu_group(name: str, label: Any, order: int) -> None:
    _groups[name] = MenuGroup(name, label, order)


def use_tree(model: type[Model], *, subtree_q: Callable[[Any, str], Q], root: Callable[[], Any],
             is_root: Callable[[Any], bool], is_broad: Callable[[Any], bool] = lambda unit: False) -> None:
    _tree[:] = [Tree(model, subtree_q, root, is_root, is_broad)]


# ---------------------------------------------------------------------------------------------- reads
def tree() -> Tree:
    if not _tree:
        raise LookupError("no app has handed the organisation tree to the permission layer (use_tree)")
    return _tree[0]


def kinds() -> dict[str, Kind]:
    return dict(_kinds)


def records() -> dict[type[Model], Record]:
    return dict(_records)


def record_for(model: type[Model]) -> Record | None:
    return _records.get(model)


def internal_models() -> dict[type[Model], str]:
    return dict(_internal)


def menu_entries() -> list[MenuEntry]:
    return sorted(_menu, key=lambda e: (e.group, e.order))


def menu_groups() -> dict[str, MenuGroup]:
    return dict(_groups)


def allowed(role: str, kind_name: str, action: str) -> bool:
    declared = _kinds.get(kind_name)
    return declared is not None and action in declared.roles.get(role, frozenset())


def discover() -> None:
    """Import every installed app's records.py (once, at start-up: access's AppConfig.ready)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("records")
