"""Declared inputs: data one app reads that a later app will bring, each behind one named door.

The free institutes' pages read demand (applicants and waiting lists from the public portal) and purchase
contracts read employment (from graduate tracing) before those apps exist. The reading app declares the
input with what it answers until someone provides it; the providing app, when it comes, calls `provide` in
its records.py and nothing in the reader changes.

    # purchasing/records.py (the reader)
    declare("employment", "Employed three months after completion, by enrollment id", default=lambda ids: {})
    # tracing/records.py, later (the provider)
    provide("employment", employed_by_enrollment)
    # anywhere
    read("employment")(enrollment_ids)

An input has one provider: a second one is an error at start-up, not a silent override.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Input:
    name: str
    description: str
    default: Callable[..., Any]
    provider: Callable[..., Any] | None = None
    provided_by: str = ""
    readers: list[str] = field(default_factory=list)


_inputs: dict[str, Input] = {}


def declare(name: str, description: str, *, default: Callable[..., Any]) -> Input:
    """Say that `name` is read here; until provided, `default` answers. Several apps may read one input:
    the first declaration holds its description and default, later ones must not contradict it."""
    existing = _inputs.get(name)
    if existing is None:
        existing = _inputs[name] = Input(name, description, default)
    existing.readers.append(description)
    return existing


def provide(name: str, function: Callable[..., Any], *, by: str = "") -> None:
    if name not in _inputs:
        raise LookupError(f"input {name!r} is provided but nobody declared it (declare it where it is read)")
    current = _inputs[name]
    if current.provider is not None and current.provider is not function:
        raise ValueError(f"input {name!r} already has a provider ({current.provided_by or current.provider!r})")
    current.provider, current.provided_by = function, by


def read(name: str) -> Callable[..., Any]:
    declared = _inputs.get(name)
    if declared is None:
        raise LookupError(f"input {name!r} was never declared")
    return declared.provider or declared.default


def is_provided(name: str) -> bool:
    declared = _inputs.get(name)
    return declared is not None and declared.provider is not None


def inputs() -> dict[str, Input]:
    return dict(_inputs)


def withdraw(name: str) -> None:
    """Tests only: forget a provider set by a test."""
    if name in _inputs:
        _inputs[name].provider, _inputs[name].provided_by = None, ""
