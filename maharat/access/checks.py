"""Start-up check: every model that refers to the organisation tree says what it is (access.records), so a new
domain cannot forget to scope its records: a forgotten declaration stops `runserver`, `migrate` and the tests."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import checks
from django.db.models import ForeignKey, Model

from . import records


def _refers_to_tree(model: type[Model], tree: type[Model]) -> bool:
    return model is tree or any(
        isinstance(f, ForeignKey) and f.related_model is tree for f in model._meta.get_fields())


@checks.register(checks.Tags.security)
def every_unit_record_is_declared(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        tree = records.tree().model
    except LookupError as exc:
        return [checks.Error(str(exc), id="maharat.E001")]
    known = set(records.records()) | set(records.internal_models())
    errors = []
    for model in apps.get_models():
        if model in known or not _refers_to_tree(model, tree):
            continue
        errors.append(checks.Error(
            f"{model._meta.label} refers to the organisation tree but its app declares neither how it is scoped "
            "(access.records.record) nor that it is internal (access.records.internal)",
            hint=f"add it to {model._meta.app_config.name}/records.py", obj=model, id="maharat.E002"))
    for model, declared in records.records().items():
        if declared.kind not in records.kinds():
            errors.append(checks.Error(f"{model._meta.label} is declared with the unknown kind {declared.kind!r}",
                                       obj=model, id="maharat.E003"))
    return errors
