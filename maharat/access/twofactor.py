"""Optional TOTP second factor (django-otp), required for HQ planners and provincial managers when
MAHARAT_REQUIRE_2FA is on."""

from __future__ import annotations

from collections.abc import Callable

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from maharat.audit.models import AuditAction
from maharat.audit.services import log
from maharat.common.forms import StyledFormMixin
from maharat.common.persian import normalize_digits

from . import policy
from .roles import TWO_FACTOR_ROLES


class TokenForm(StyledFormMixin, forms.Form):
    token = forms.CharField(label=gettext_lazy("کد شش‌رقمی برنامه احراز هویت"), max_length=8,
                            widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "one-time-code", "inputmode": "numeric"}))

    def clean_token(self) -> str:
        return normalize_digits(self.cleaned_data["token"]).strip()


def two_factor_required(user: object) -> bool:
    return bool(settings.MAHARAT_REQUIRE_2FA) and policy.actor_of(user).role in TWO_FACTOR_ROLES


@login_required
def security(request: HttpRequest) -> HttpResponse:
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
            messages.success(request, _("ورود دومرحله‌ای فعال شد."))
            return redirect("home")
        form.add_error("token", _("کد درست نیست یا منقضی شده است."))
    qr = None if confirmed else mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4))  # noqa: S308
    return render(request, "registration/security.html", {
        "form": form, "confirmed": confirmed is not None, "qr": qr, "secret": device.key if not confirmed else "",
        "required": two_factor_required(request.user), "title": _("امنیت حساب"),
    })


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(request.GET.get("next") or "home")
        form.add_error("token", _("کد درست نیست یا منقضی شده است."))
    return render(request, "registration/verify.html", {"form": form, "title": _("ورود دومرحله‌ای")})


class TwoFactorMiddleware:
    """After the password: ask for the code when the user has a device, or send them to set one up when
    their role requires it. Static files, language switch and sign-out stay reachable."""

    OPEN_PREFIXES = ("/static/", "/i18n/", "/accounts/logout/", "/accounts/2fa/", "/accounts/security/", "/verify",
                     "/api/v1/verify")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(self.OPEN_PREFIXES):
            if not user.is_verified():  # type: ignore[attr-defined]
                if user_has_device(user, confirmed=True):
                    return redirect(f"{reverse('two_factor_verify')}?next={request.path}")
                if two_factor_required(user):
                    return redirect("security")
        return self.get_response(request)
