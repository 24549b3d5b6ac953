"""The menu, learnt from the apps' declarations (access.records.menu) and the permission layer: an entry is
shown only to a user who may open it, and no template names a role."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from maharat.access import policy, records


@dataclass
class Link:
    label: Any
    url: str
    section: int  # entries of a dropdown are separated where the hundreds of their order change


@dataclass
class Item:
    label: Any
    url: str = ""  # a link on the bar, or ...
    links: list[Link] = field(default_factory=list)  # ... a dropdown


def _shown(entry: records.MenuEntry, user: Any, actor: policy.Actor) -> bool:
    if (entry.unit_arg or entry.needs_unit) and actor.unit is None:
        return False
    if entry.kind and not policy.may(user, entry.action, entry.kind):
        return False
    return entry.visible is None or entry.visible(user)


def menu_for(user: Any) -> list[Item]:
    if user is None or not user.is_authenticated:
        return []
    actor = policy.actor_of(user)
    groups = records.menu_groups()
    bar: list[tuple[int, Item]] = []
    dropdowns: dict[str, Item] = {}
    for entry in records.menu_entries():
        if not _shown(entry, user, actor):
            continue
        url = reverse(entry.url_name, args=[actor.unit.code] if entry.unit_arg else [])
        if not entry.group:
            bar.append((entry.order, Item(entry.label, url)))
            continue
        item = dropdowns.get(entry.group)
        if item is None:
            item = dropdowns[entry.group] = Item(groups[entry.group].label)
            bar.append((groups[entry.group].order, item))
        item.links.append(Link(entry.label, url, entry.order // 100))
    return [item for _order, item in sorted(bar, key=lambda pair: pair[0])]
