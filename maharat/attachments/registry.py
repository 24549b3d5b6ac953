"""Which kinds of record take attachments: the app that owns a model says so in its records.py,

    from maharat.attachments.registry import enable
    enable(FollowUpItem)

and the record's page gets the attachments section (list, and the upload form for those who may change the
record). A model not enabled takes no attachment: its content type in an upload address answers 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from maharat.kit.sections import section

SECTION_TEMPLATE = "attachments/partials/section.html"
_enabled: dict[str, type[Model]] = {}


def _section(user: Any, obj: Model) -> dict[str, Any]:
    from .selectors import section_data

    return section_data(user, obj)


def enable(model: type[Model], *, order: int = 90) -> None:
    label = model._meta.label_lower
    if label in _enabled:
        raise ValueError(f"attachments are enabled twice for {model._meta.label}")
    _enabled[label] = model
    section(model, template=SECTION_TEMPLATE, context=_section, order=order)


def label_of(model_or_obj: type[Model] | Model) -> str:
    """How a kind of record is named in attachment addresses ("training.courserun")."""
    return model_or_obj._meta.label_lower


def model_for(label: str) -> type[Model] | None:
    return _enabled.get(label.lower())


def model_of(content_type: ContentType) -> type[Model] | None:
    return _enabled.get(f"{content_type.app_label}.{content_type.model}")


def is_enabled(model: type[Model]) -> bool:
    return _enabled.get(model._meta.label_lower) is model


def enabled_models() -> list[type[Model]]:
    return list(_enabled.values())
