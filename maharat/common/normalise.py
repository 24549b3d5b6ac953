"""The write path's one normalisation of text: every text field of every platform record is stored in the
form `persian.normalize` gives (Persian ی and ک, ASCII digits, single spaces), whatever the channel: a page,
the API's JSON, the admin, a management command. Bulk imports, which skip model signals, read every cell
through the same function (exchange/reading.py)."""

from __future__ import annotations

from typing import Any

from django.db import models

from .persian import normalize

# Stored exactly as given: secrets and their hashes are never Persian text. A model lists its own such fields
# in `verbatim_fields` (a certificate's signed payload: one changed character and the signature fails).
_KEEP = {"password", "key_hash", "prefix"}


def _text_fields(model: type[models.Model]) -> list[str]:
    cached = model.__dict__.get("_maharat_text_fields")
    if cached is None:
        keep = _KEEP | set(getattr(model, "verbatim_fields", ()))
        cached = [f.attname for f in model._meta.concrete_fields
                  if isinstance(f, (models.CharField, models.TextField)) and f.name not in keep]
        model._maharat_text_fields = cached  # type: ignore[attr-defined]
    return cached


def normalise_text(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or not sender.__module__.startswith("maharat."):
        return  # fixtures load as written; other apps' records (sessions, django-otp) are not ours
    for name in _text_fields(sender):
        value = getattr(instance, name)
        if isinstance(value, str) and value:
            setattr(instance, name, normalize(value))
