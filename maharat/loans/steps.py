"""What every write on a loan does first: hold the loan's row, and ask permission, then the state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from maharat.kit import workflow

from .models import Loan

# The permission each transition asks (its `permitted(...)` on the model): records.py gives them to roles.
ACTIONS = {"approve": "decide", "reject": "decide", "disburse": "disburse", "start_repaying": "collect",
           "settle": "collect", "declare_default": "default", "write_off": "write_off"}


def locked(loan: Loan) -> Loan:
    """The loan as stored, held for the step: a second decision is judged on the state the first left."""
    return Loan.objects.select_for_update().select_related("programme", "institute", "province").get(pk=loan.pk)


def allowed(user: Any, loan: Loan, name: str) -> bool:
    return workflow.acting_as(user, ACTIONS[name], loan) is not None


def ready(user: Any, loan: Loan, name: str) -> None:
    """Permission first (whatever the state: who may not act learns nothing of where the loan stands), then
    the state, in kit.workflow's own words; before any value is read."""
    if not allowed(user, loan, name):
        raise PermissionDenied(_("شما اجازه «{action}» را روی این رکورد ندارید.").format(
            action=workflow.label(loan, name)))
    if not can_proceed(getattr(loan, name)):
        raise ValidationError(_("این رکورد در وضعیت «{status}» است و «{action}» روی آن ممکن نیست.").format(
            status=loan.get_status_display(), action=workflow.label(loan, name)))


def collect(errors: dict[str, list[str]], check: Callable[[], Any]) -> Any:
    """Run one check; its ValidationError's messages go under their fields, so every fault is named at once."""
    try:
        return check()
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    return None
