"""Optional TOTP second factor (django-otp), required for HQ planners and provincial managers when
MAHARAT_REQUIRE_2FA is on."""

from __future__ import annotations

import base64
from collections.abc import Callable

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from maharat.audit.models import AuditAction
from maharat.audit.services import log
from maharat.common.forms import StyledFormMixin
from maharat.common.persian import normalize_digits
from maharat.common.users import MaybeUser, SignedInRequest

from . import policy, tokens
from .roles import TWO_FACTOR_ROLES


class TokenForm(StyledFormMixin, forms.Form):
    token = forms.CharField(label=gettext_lazy("کد شش‌رقمی برنامه احراز هویت"), max_length=8,
                            widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "one-time-code", "inputmode": "numeric"}))

    def clean_token(self) -> str:
        return normalize_digits(self.cleaned_data["token"]).strip()


def base32_secret(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed by hand: Base32 (RFC 4648, no padding) in groups of
    four, not the hex django-otp stores."""
    text = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def two_factor_required(user: MaybeUser) -> bool:
    role = policy.actor_of(user).role
    return bool(settings.MAHARAT_REQUIRE_2FA) and role is not None and role in TWO_FACTOR_ROLES


@login_required
def security(request: SignedInRequest) -> HttpResponse:
    """Set up the second factor: show the QR code of a new TOTP secret and confirm it with one code."""
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    device = confirmed or TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="maharat", confirmed=False)
    form = TokenForm(request.POST or None)
    if confirmed is None and request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save()
            otp_login(request, device)
            log(action=AuditAction.PERMISSION, instance=request.user, note="two-factor enabled", user=request.user)
            # API tokens obtained with the password alone would still bypass the new second factor.
            tokens.revoke_without_second_factor(request.user, actor=request.user)
            messages.success(request, _("ورود دومرحله‌ای فعال شد."))
            return redirect("home")
        form.add_error("token", _("کد درست نیست یا منقضی شده است."))
    qr = None if confirmed else mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4))  # noqa: S308
    return render(request, "access/security.html", {
        "form": form, "confirmed": confirmed is not None, "qr": qr, "secret": base32_secret(device) if not confirmed else "",
        "otpauth": device.config_url if not confirmed else "",
        "required": two_factor_required(request.user), "title": _("امنیت حساب"),
    })


def safe_next(request: HttpRequest, default: str = "home") -> str:
    """The `next` address when it stays on this site, else `default` (no redirect to another host)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse(default)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(safe_next(request))
        form.add_error("token", _("کد درست نیست یا منقضی شده است."))
    return render(request, "registration/verify.html", {"form": form, "title": _("ورود دومرحله‌ای")})


class ApiTokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("نام توکن"), max_length=100, required=False,
                           help_text=gettext_lazy("برای شناختن آن بعداً، مثلاً نام برنامه‌ای که با آن کار می‌کند."))


class TokenFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=gettext_lazy("نام کاربری"), max_length=150, required=False)


@never_cache
@login_required
def api_tokens(request: SignedInRequest) -> HttpResponse:
    """The user's own API tokens: make one (its key is shown on this response only), see and revoke them."""
    user = request.user
    form = ApiTokenForm(request.POST or None)
    new_key = ""
    if request.method == "POST" and form.is_valid():
        verified = bool(user.is_verified())  # type: ignore[attr-defined]
        if not verified and (user_has_device(user, confirmed=True) or two_factor_required(user)):
            raise PermissionDenied  # TwoFactorMiddleware sends such users to the code first
        _token, new_key = tokens.issue(user, name=form.cleaned_data["name"], two_factor=verified)
        form = ApiTokenForm()
    own = tokens.ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    return render(request, "access/tokens.html", {
        "form": form, "tokens": own, "new_key": new_key, "days": tokens.token_days(),
        "administers": tokens.administers_tokens(user), "title": _("توکن‌های API"),
    })


@login_required
def api_tokens_managed(request: HttpRequest) -> HttpResponse:
    """Tokens of the accounts one administers (HQ planners: all; provincial managers: their province)."""
    if not tokens.administers_tokens(request.user):
        raise PermissionDenied(_("شما اجازه این کار را ندارید."))
    form = TokenFilterForm(request.GET or None)
    qs = tokens.managed(request.user).filter(revoked_at__isnull=True)
    if form.is_valid() and form.cleaned_data["q"]:
        qs = qs.filter(user__username__icontains=form.cleaned_data["q"])
    page_obj = Paginator(qs, settings.MAHARAT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "access/tokens_managed.html", {
        "form": form, "page_obj": page_obj, "title": _("توکن‌های API حساب‌های زیرمجموعه"),
    })


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = tokens.ApiToken.objects.select_related("user").filter(pk=pk).first()
    if token is None or not tokens.can_manage(request.user, token):
        raise Http404
    if tokens.revoke(token, actor=request.user):
        messages.success(request, _("توکن {prefix} باطل شد.").format(prefix=token.prefix))
    return redirect("api_tokens" if token.user_id == request.user.pk else "api_tokens_managed")


class TwoFactorMiddleware:
    """After the password: ask for the code when the user has a device, or send them to set one up when
    their role requires it. Static files, language switch and sign-out stay reachable."""

    OPEN_PREFIXES = ("/static/", "/i18n/", "/accounts/logout/", "/accounts/2fa/", "/accounts/security/", "/verify",
                     "/api/v1/verify")
    # Reachable with a temporary password (set by an account manager) that must be changed first.
    PASSWORD_PREFIXES = ("/accounts/password/",)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(self.OPEN_PREFIXES):
            if not user.is_verified():
                if user_has_device(user, confirmed=True):
                    return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
                if two_factor_required(user):
                    return redirect("security")
            if self._must_change_password(request) and not request.path.startswith(self.PASSWORD_PREFIXES):
                return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def _must_change_password(request: HttpRequest) -> bool:
        """Asked once per session (a temporary password set by a manager ends the user's sessions, so the
        next one asks again); the password change page clears it."""
        from .accounts import must_change_password

        session = request.session
        if "maharat_must_change" not in session:
            session["maharat_must_change"] = must_change_password(request.user)
        return bool(session["maharat_must_change"])
