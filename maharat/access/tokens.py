"""API tokens: issued after the password (and the one-time code when the account uses two-step sign-in),
named, expiring, revocable, and stored only as a SHA-256 hash. The full key is shown once, at creation;
afterwards only its prefix identifies it. The DRF authentication class and the token endpoints live in
maharat/api/auth.py; the account pages in access/twofactor.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

KEY_PREFIX = "mhr_"
PREFIX_LENGTH = len(KEY_PREFIX) + 8  # what is stored and shown: "mhr_" and the first 8 random characters


def hash_key(key: str) -> str:
    """The stored form of a key. Keys are 240 random bits, so a plain (fast) hash cannot be reversed."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(30)


def token_days() -> int:
    return max(1, int(getattr(settings, "MAHARAT_API_TOKEN_DAYS", 30)))


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("کاربر"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(_("نام"), max_length=100, blank=True)
    prefix = models.CharField(_("پیشوند"), max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Issued after a second factor (the code, or a web session that passed it).
    two_factor = models.BooleanField(_("با ورود دومرحله‌ای"), default=False)
    created_at = models.DateTimeField(_("زمان ساخت"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("آخرین استفاده"), null=True, blank=True)
    expires_at = models.DateTimeField(_("انقضا"))
    revoked_at = models.DateTimeField(_("زمان ابطال"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("باطل‌کننده"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        app_label = "access"
        verbose_name = _("توکن API")
        verbose_name_plural = _("توکن‌های API")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        label = f"{self.prefix}…"
        return f"{label} {self.name}".strip() if self.name else label

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def active(self) -> bool:
        return self.revoked_at is None and not self.expired


# Do not write last_used_at more often than this for one token (one API client makes many requests).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def find(key: str) -> ApiToken | None:
    """The token with this key, active or not (the caller decides), with its user."""
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()


def touch(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def _audit_unit(user: Any) -> Any:
    from . import policy

    return policy.actor_of(user).unit


def issue(user: Any, *, name: str = "", two_factor: bool = False, days: int | None = None,
          actor: Any = None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it and the full key (which is not kept anywhere)."""
    from maharat.audit.models import AuditAction
    from maharat.audit.services import log

    key = new_key()
    lifetime = min(days or token_days(), token_days())
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100], prefix=key[:PREFIX_LENGTH], key_hash=hash_key(key),
        two_factor=two_factor, expires_at=timezone.now() + dt.timedelta(days=lifetime),
    )
    log(action=AuditAction.CREATE, instance=token, unit=_audit_unit(user), user=actor or user,
        new={"user": user.pk, "name": token.name, "prefix": token.prefix, "two_factor": two_factor,
             "expires_at": token.expires_at.isoformat()},
        note=f"api token issued for {user.get_username()}")
    return token, key


def revoke(token: ApiToken, *, actor: Any) -> bool:
    """Revoke the token (idempotent); False when it had already been revoked."""
    from maharat.audit.models import AuditAction
    from maharat.audit.services import log

    now = timezone.now()
    if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_by=actor):
        return False
    token.revoked_at, token.revoked_by = now, actor
    log(action=AuditAction.UPDATE, instance=token, unit=_audit_unit(token.user), user=actor,
        old={"revoked_at": None}, new={"revoked_at": now.isoformat()},
        note=f"api token revoked (owner {token.user.get_username()})")
    return True


def revoke_without_second_factor(user: Any, *, actor: Any) -> int:
    """When the account turns two-step sign-in on, tokens issued on the password alone stop working."""
    tokens = list(ApiToken.objects.filter(user=user, two_factor=False, revoked_at__isnull=True))
    return sum(revoke(token, actor=actor) for token in tokens)


# Who administers whose tokens -------------------------------------------------------------------------


def administers_tokens(user: Any) -> bool:
    """Superusers and HQ planners (every account), provincial managers (accounts in their province)."""
    from . import policy
    from .roles import Role

    actor = policy.actor_of(user)
    return actor.superuser or (actor.unit is not None and actor.role in (Role.HQ_PLANNER, Role.PROVINCIAL_MANAGER))


def can_manage(user: Any, token: ApiToken) -> bool:
    """May `user` see and revoke this token? Its owner may; so may the owner account's administrators."""
    from . import policy
    from .roles import Role

    if not getattr(user, "is_authenticated", False):
        return False
    if token.user_id == user.pk:
        return True
    actor = policy.actor_of(user)
    if actor.superuser:
        return True
    if not administers_tokens(user) or token.user.is_superuser:
        return False
    if actor.role == Role.HQ_PLANNER:
        return True
    owner = policy.actor_of(token.user)
    return actor.unit is not None and policy.in_subtree(owner.unit, actor.unit)


def managed(user: Any) -> QuerySet[ApiToken]:
    """Tokens of other accounts that `user` administers (the same rule as can_manage, as a query)."""
    from . import policy, records
    from .roles import Role

    subtree_q = records.tree().subtree_q
    qs = ApiToken.objects.select_related("user", "user__account__unit").exclude(user=user)
    actor = policy.actor_of(user)
    if actor.superuser:
        return qs
    if not administers_tokens(user):
        return qs.none()
    qs = qs.filter(user__is_superuser=False)
    if actor.role == Role.HQ_PLANNER:
        return qs
    assert actor.unit is not None
    return qs.filter(subtree_q(actor.unit, "user__account__unit__"))



# The DRF authentication class -------------------------------------------------------------------------
# Here and not in maharat/api/auth.py: DRF imports DEFAULT_AUTHENTICATION_CLASSES while rest_framework.views
# is being imported, so the class must live in a module that does not import DRF views.

KEYWORDS = (b"token", b"bearer")


class TokenExpired(exceptions.AuthenticationFailed):
    default_code = "token_expired"

    def __init__(self) -> None:
        super().__init__(_("این توکن منقضی شده است؛ توکن تازه بگیرید."))


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Token <key>` (or `Bearer <key>`). An unknown, revoked or expired key is 401."""

    keyword = "Token"

    def authenticate(self, request: Any) -> tuple[Any, ApiToken] | None:
        try:
            parts = get_authorization_header(request).split()
        except UnicodeError:  # a header that is not even latin-1
            raise exceptions.AuthenticationFailed() from None
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed()
        try:
            key = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed() from None
        token = find(key)
        if token is None or token.revoked_at is not None or not token.user.is_active:
            raise exceptions.AuthenticationFailed()
        if token.expired:
            raise TokenExpired()
        if not token.two_factor:
            from .twofactor import two_factor_required

            if two_factor_required(token.user):
                # Issued on the password alone before the account's role was obliged to use two-step sign-in.
                raise exceptions.AuthenticationFailed()
        touch(token)
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return self.keyword  # makes DRF answer 401 (not 403) to a missing or refused token
