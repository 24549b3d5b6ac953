"""Sections other apps add to a record's page: a trainee's page shows their course runs (training), and later
their survey answers and graduate tracing, without the people app knowing those apps exist."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model


@dataclass(frozen=True)
class Section:
    template: str  # rendered with `section` (what `context` returned) in its context
    context: Callable[[Any, Model], dict[str, Any]]  # (user, record) -> the section's data, already scoped
    order: int = 50


_sections: dict[type[Model], list[Section]] = {}


def section(model: type[Model], *, template: str, context: Callable[[Any, Model], dict[str, Any]],
            order: int = 50) -> None:
    _sections.setdefault(model, []).append(Section(template, context, order))
    _sections[model].sort(key=lambda s: s.order)


def sections_for(user: Any, obj: Model) -> list[tuple[str, dict[str, Any]]]:
    shown = [(s.template, s.context(user, obj)) for s in _sections.get(type(obj), [])]
    return [(template, data) for template, data in shown if data.get("count", 1)]  # an empty section is left out
