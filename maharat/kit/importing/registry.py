"""The kinds of data that can be imported: each app registers its own (in its importers.py), the import pages
and the worker find them here, in the order their `order` gives (the order of the import page's list)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import Importer

_registered: dict[str, type[Importer]] = {}
_discovered: list[bool] = []


def register(kind_cls: type[Importer]) -> type[Importer]:
    """Register a kind (usable as a class decorator). Its `kind` is its name in URLs and stored batches."""
    if not kind_cls.kind:
        raise ValueError(f"{kind_cls.__name__} has no kind name")
    known = _registered.get(kind_cls.kind)
    # The same class again (its module imported twice, as a test's reload does) replaces itself; another one
    # under a taken name would silently hide the first.
    if known is not None and (known.__module__, known.__qualname__) != (kind_cls.__module__, kind_cls.__qualname__):
        raise ValueError(f"import kind {kind_cls.kind!r} is registered twice ({known.__module__}, {kind_cls.__module__})")
    _registered[kind_cls.kind] = kind_cls
    return kind_cls


def discover() -> None:
    """Import every installed app's importers.py, once (exchange's AppConfig.ready, or the first lookup)."""
    if _discovered:
        return
    _discovered.append(True)
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("importers")


def kinds() -> dict[str, type[Importer]]:
    discover()
    return dict(sorted(_registered.items(), key=lambda item: (item[1].order, item[0])))


def get(name: str) -> type[Importer]:
    """The kind of this name; KeyError for an unknown one (the pages answer 404)."""
    discover()
    return _registered[name]


class _Kinds(Mapping[str, "type[Importer]"]):
    """The registry as a read-only mapping, name -> kind, in order: `name in KINDS`, `KINDS[name]`."""

    def __getitem__(self, name: str) -> type[Importer]:
        return get(name)

    def __iter__(self) -> Iterator[str]:
        return iter(kinds())

    def __len__(self) -> int:
        return len(kinds())


KINDS: Mapping[str, type[Importer]] = _Kinds()
