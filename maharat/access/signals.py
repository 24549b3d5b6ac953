"""Sign-ins and failed sign-ins go into the audit trail (Django's own auth signals are the hook)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from maharat.audit.models import AuditAction
from maharat.audit.services import log


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    log(action=AuditAction.LOGIN, user=user, object_repr=user.get_username())


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    log(action=AuditAction.LOGIN_FAILED, object_repr=str(credentials.get("username", ""))[:150])
