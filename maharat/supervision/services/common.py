"""What the services of this app share."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from maharat.kit import workflow


def refuse_state(instance: Model, name: str) -> None:
    """The state machine's refusal in its own words (as kit.workflow.perform gives it), raised before any typed
    value is judged: a record that cannot take the step is not answered with the form's messages."""
    raise ValidationError(_("این رکورد در وضعیت «{status}» است و «{action}» روی آن ممکن نیست.").format(
        status=instance.get_status_display(), action=workflow.label(instance, name)))  # type: ignore[attr-defined]
