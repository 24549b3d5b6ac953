"""Start-up checks: the evidence files' storage is private and known, and each kind of record that takes
attachments is one the permission layer can scope (an attachment is seen where its record is seen)."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from maharat.access import records

from . import registry
from .storage import attachments_storage


@checks.register(checks.Tags.security)
def attachments_are_private(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    try:
        attachments_storage()
    except ImproperlyConfigured as exc:
        errors.append(checks.Error(str(exc), id="maharat.attachments.E001"))
    for model in registry.enabled_models():
        if records.record_for(model) is None:
            errors.append(checks.Error(
                f"{model._meta.label} takes attachments but is not declared in its app's records.py, so nobody's "
                "scope could be asked who may see them", obj=model, id="maharat.attachments.E002"))
    return errors
