"""Account management in the platform's own pages: who may manage whose account, and every write on one.

Who manages: HQ planners (every account) and provincial managers (the accounts placed inside their province);
superusers everywhere. The capability is the kind "account" (declared in web/records.py, a row of the
permission matrix); where it applies is the manager's subtree, as for every other record.

Which roles a manager may give (and so which accounts it may change): never one above its own, and never its
own rank below HQ — a provincial manager manages the experts, centers, institutes, trainers, assessors and
partners of its province, not another provincial manager (appointed by HQ) nor any HQ role. HQ planners give
every role, HQ planner included (someone has to, besides the technical superuser). Nobody changes their own
account here, nor a superuser's.

Every write is one PERMISSION entry in the audit trail with old and new values, under the account's unit.
A temporary password is generated here, shown once to the manager, and must be changed at the next sign-in
(the group MUST_CHANGE marks such users; twofactor.TwoFactorMiddleware sends them to the password change).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from maharat.audit.models import AuditAction
from maharat.audit.services import log
from maharat.common.users import MaybeUser

from . import policy, records, tokens
from .models import Account
from .roles import ROLE_UNIT_KINDS, Role

KIND = "account"
MUST_CHANGE = "maharat:must-change-password"

# Roles in the order of rank: a provincial manager gives only the roles after its own.
_BELOW_PROVINCE = (Role.PROVINCIAL_EXPERT, Role.CENTER_HEAD, Role.INSTITUTE_MANAGER, Role.TRAINER, Role.ASSESSOR,
                   Role.PARTNER_VIEWER)
GRANTS: dict[str, tuple[str, ...]] = {
    Role.HQ_PLANNER: tuple(Role),
    Role.PROVINCIAL_MANAGER: _BELOW_PROVINCE,
}
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or copied by hand


def may_manage(user: MaybeUser) -> bool:
    """May this user open the account pages at all (the role, and a place in the tree)?"""
    actor = policy.actor_of(user)
    return actor.unit is not None and policy.may(user, "view", KIND)


def grantable_roles(user: MaybeUser) -> tuple[str, ...]:
    actor = policy.actor_of(user)
    if actor.superuser:
        return tuple(Role)
    if not policy.may(user, "add", KIND) or actor.role is None:
        return ()
    return GRANTS.get(actor.role, ())


def managed(user: MaybeUser) -> QuerySet[Account]:
    """The accounts this user sees in the account pages: those placed inside its subtree (not superusers')."""
    qs = Account.objects.select_related("user", "unit").filter(user__is_superuser=False)
    if not may_manage(user):
        return qs.none()
    actor = policy.actor_of(user)
    if actor.national:
        return qs
    return qs.filter(records.tree().subtree_q(actor.unit, "unit__"))


def search(user: MaybeUser, q: str = "") -> QuerySet[Account]:
    qs = managed(user)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(user__username__icontains=q) | Q(user__first_name__icontains=q)
                       | Q(user__last_name__icontains=q) | Q(user__email__icontains=q) | Q(unit__code__iexact=q)
                       | Q(unit__name__icontains=q))
    return qs.order_by("unit__path", "user__username")


def can_change(user: MaybeUser, account: Account) -> bool:
    """May `user` change this account: in its subtree, of a role it may give, and not its own."""
    if not policy.may(user, "change", KIND) or user is None or account.user_id == user.pk:
        return False
    if account.user.is_superuser or not managed(user).filter(pk=account.pk).exists():
        return False
    return account.role in grantable_roles(user)


def check_place(user: MaybeUser, role: str, unit: Any) -> None:
    """The role may be given by `user`, sits at this kind of unit, and the unit lies in `user`'s subtree."""
    if role not in grantable_roles(user):
        raise PermissionDenied(_("شما نمی‌توانید این نقش را بدهید."))
    actor = policy.actor_of(user)
    if unit is None or (not actor.national and not policy.in_subtree(unit, actor.unit)):
        raise PermissionDenied(_("این واحد در حوزه شما نیست."))
    if unit.kind not in ROLE_UNIT_KINDS.get(role, ()):
        raise ValidationError({"unit": _("این نقش را نمی‌توان به این نوع واحد داد.")})


def _values(account: Account) -> dict[str, Any]:
    u = account.user
    return {"username": u.get_username(), "first_name": u.first_name, "last_name": u.last_name, "email": u.email,
            "is_active": u.is_active, "role": account.role, "unit": account.unit.code}


def _audit(account: Account, *, by: Any, old: dict[str, Any] | None, new: dict[str, Any] | None, note: str) -> None:
    log(action=AuditAction.PERMISSION, instance=account, old=old, new=new, unit=account.unit, user=by,
        note=note, object_repr=account.user.get_username())


def new_password() -> str:
    groups = ["".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4)]
    return "-".join(groups)


def _must_change(user: Any, flag: bool) -> None:
    group, _created = Group.objects.get_or_create(name=MUST_CHANGE)
    if flag:
        user.groups.add(group)
    else:
        user.groups.remove(group)


def must_change_password(user: Any) -> bool:
    return bool(user.is_authenticated and user.groups.filter(name=MUST_CHANGE).exists())


def create(by: MaybeUser, *, username: str, first_name: str, last_name: str, email: str, role: str,
           unit: Any) -> tuple[Account, str]:
    """A new user with its account and a temporary password (returned, shown once, never stored in clear)."""
    policy.require_may(by, "add", KIND)
    check_place(by, role, unit)
    User = get_user_model()
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("این نام کاربری از قبل وجود دارد.")})
    password = new_password()
    with transaction.atomic():
        user = User.objects.create_user(username, email.strip(), password, first_name=first_name.strip(),
                                        last_name=last_name.strip())
        account = Account(user=user, role=role, unit=unit)
        account.full_clean(exclude=["user"])
        account.save()
        _must_change(user, True)
        _audit(account, by=by, old=None, new={**_values(account), "temporary_password": True}, note="account created")
    return account, password


def update(by: MaybeUser, account: Account, *, first_name: str, last_name: str, email: str, role: str,
           unit: Any) -> Account:
    """Change the name, email, role or unit of an account this user may change (to a place it may give)."""
    if not can_change(by, account):
        raise PermissionDenied(_("شما اجازه تغییر این حساب را ندارید."))
    check_place(by, role, unit)
    old = _values(account)
    user = account.user
    with transaction.atomic():
        user.first_name, user.last_name, user.email = first_name.strip(), last_name.strip(), email.strip()
        user.save(update_fields=["first_name", "last_name", "email"])
        account.role, account.unit = role, unit
        account.full_clean(exclude=["user"])
        account.save()
        new = _values(account)
        if new != old:
            _audit(account, by=by, old=old, new=new, note="account changed")
    return account


def set_active(by: MaybeUser, account: Account, active: bool) -> bool:
    """Deactivate (sign-in refused, API tokens revoked) or reactivate; False when nothing changed."""
    if not can_change(by, account):
        raise PermissionDenied(_("شما اجازه تغییر این حساب را ندارید."))
    user = account.user
    if user.is_active == active:
        return False
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        _audit(account, by=by, old={"is_active": not active}, new={"is_active": active},
               note="account reactivated" if active else "account deactivated")
        if not active:
            for token in tokens.ApiToken.objects.filter(user=user, revoked_at__isnull=True):
                tokens.revoke(token, actor=by)
    return True


def reset_two_factor(by: MaybeUser, account: Account) -> int:
    """Remove the user's second-factor devices: they set a new one up at their next sign-in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not can_change(by, account):
        raise PermissionDenied(_("شما اجازه تغییر این حساب را ندارید."))
    with transaction.atomic():
        devices = TOTPDevice.objects.filter(user=account.user)
        count = devices.count()
        confirmed = devices.filter(confirmed=True).exists()
        devices.delete()
        _audit(account, by=by, old={"two_factor": confirmed}, new={"two_factor": False}, note="two-factor reset")
    return count


def set_temporary_password(by: MaybeUser, account: Account) -> str:
    """A new random password, to be changed at the next sign-in; the user's sessions end with the old one."""
    if not can_change(by, account):
        raise PermissionDenied(_("شما اجازه تغییر این حساب را ندارید."))
    password = new_password()
    user = account.user
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        _must_change(user, True)
        _audit(account, by=by, old={"temporary_password": False}, new={"temporary_password": True},
               note="temporary password set")
    return password


def password_changed(user: Any, *, how: str) -> None:
    """The user chose a new password (changed while signed in, or through a reset link): audited, and the
    temporary-password mark is lifted."""
    account = Account.objects.select_related("unit").filter(user=user).first()
    with transaction.atomic():
        _must_change(user, False)
        log(action=AuditAction.PERMISSION, instance=account or user, unit=account.unit if account else None,
            user=user, note=f"password {how}", object_repr=user.get_username(),
            old={"password": "(old)"}, new={"password": "(new)"})
