"""The risk formula's weights and the visit intervals: HQ changes them; the audit trail keeps every old value."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maharat.access import policy, writes

from ..models import EDITABLE, RiskSettings
from ..risk import settings_now


def _value(field: models.Field, raw: Any) -> Any:
    if isinstance(raw, bool) or raw is None or raw == "":
        raise ValidationError(_("«{label}» را وارد کنید.").format(label=field.verbose_name))
    try:
        if isinstance(field, models.DecimalField):  # stored as the column holds it: 4.5 is 4.50 in the trail too
            return Decimal(str(raw)).quantize(Decimal(1).scaleb(-field.decimal_places))
        return int(raw)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(_("«{label}» باید عدد باشد.").format(label=field.verbose_name)) from None


def _label(name: str) -> str:
    return str(getattr(RiskSettings._meta.get_field(name), "verbose_name", name))


@transaction.atomic
def update(user: Any, values: Mapping[str, Any]) -> RiskSettings:
    current = RiskSettings.objects.select_for_update().get(pk=settings_now().pk)
    policy.require(user, "change", current)
    errors: dict[str, list[str]] = {}
    for name in EDITABLE:
        if name not in values:
            continue
        field = RiskSettings._meta.get_field(name)
        try:
            setattr(current, name, _value(field, values[name]))  # type: ignore[arg-type]
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    try:
        current.full_clean(exclude=["updated_by"])
    except ValidationError as exc:
        raise ValidationError({name: [f"{_label(name)}: {m}" for m in messages]
                               for name, messages in exc.message_dict.items()}) from None
    current.updated_by, current.updated_at = user if getattr(user, "pk", None) else None, timezone.now()

    def persist() -> RiskSettings:
        current.save()
        return current

    return writes.save_record(user=user, instance=current, persist=persist)
