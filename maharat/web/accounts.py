"""Account pages: the users of one's subtree (HQ planners: every one; provincial managers: their province),
created, changed, deactivated, given a temporary password or a fresh second factor — all through
access/accounts.py, which checks and audits. The user's own password: change, and reset by email."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from maharat.access import accounts, policy
from maharat.access.models import Account
from maharat.access.roles import ROLE_UNIT_KINDS, Role
from maharat.common.forms import StyledFormMixin
from maharat.common.persian import localize_digits, normalize_digits
from maharat.org.models import Unit

LTR = {"dir": "ltr"}


class AccountSearchForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=gettext_lazy("جستجو (نام کاربری، نام، رایانامه یا کد واحد)"), max_length=150,
                        required=False)
    active = forms.ChoiceField(label=gettext_lazy("وضعیت"), required=False, choices=[
        ("", gettext_lazy("همه")), ("1", gettext_lazy("فعال")), ("0", gettext_lazy("غیرفعال"))])


class UnitCodeField(forms.ModelChoiceField):
    """A unit by its code, only among the units the manager may place accounts at: a unit outside the
    subtree is answered exactly as a code that does not exist."""

    default_error_messages = {"invalid_choice": gettext_lazy("واحدی با این کد در حوزه شما نیست.")}

    def to_python(self, value: Any) -> Any:
        value = normalize_digits(str(value or "")).strip()
        if value and not self.queryset.filter(code=value).exists():  # type: ignore[union-attr]
            value = value.upper()
        return super().to_python(value)


class AccountForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label=gettext_lazy("نام کاربری"), max_length=150, widget=forms.TextInput(attrs=LTR),
                               help_text=gettext_lazy("حروف لاتین، رقم و . @ + - _"))
    first_name = forms.CharField(label=gettext_lazy("نام"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("نام خانوادگی"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("رایانامه"), required=False, widget=forms.EmailInput(attrs=LTR),
                             help_text=gettext_lazy("برای بازیابی گذرواژه"))
    role = forms.ChoiceField(label=gettext_lazy("نقش"))
    unit = UnitCodeField(label=gettext_lazy("کد واحد"), queryset=Unit.objects.none(), to_field_name="code",
                         widget=forms.TextInput(attrs=LTR))

    def __init__(self, *args: Any, manager: Any, editing: Account | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = accounts.grantable_roles(manager)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(r.value, r.label) for r in Role if r in roles]
        kinds = sorted({kind for role in roles for kind in ROLE_UNIT_KINDS.get(role, ())})
        self.fields["unit"].queryset = policy.scope(manager, Unit.objects.filter(kind__in=kinds))  # type: ignore[attr-defined]
        if editing is not None:
            del self.fields["username"]

    def clean_username(self) -> str:
        from django.contrib.auth.validators import UnicodeUsernameValidator

        name = normalize_digits(self.cleaned_data["username"]).strip()
        UnicodeUsernameValidator()(name)
        return name


def _require_manager(request: HttpRequest) -> None:
    if not accounts.may_manage(request.user):
        raise PermissionDenied(_("شما اجازه مدیریت حساب‌ها را ندارید."))


def _account(request: HttpRequest, pk: int) -> Account:
    """The account, only when it lies in the manager's subtree (else 404: nothing is revealed)."""
    account = accounts.managed(request.user).filter(pk=pk).first()
    if account is None:
        raise Http404
    return account


def _apply(form: forms.Form, call: Any) -> Any:
    """Run a service call; its ValidationError goes on the form, its PermissionDenied stays a 403."""
    try:
        return call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            form.add_error(None, exc)
    return None


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = AccountSearchForm(request.GET or None)
    q, active = "", ""
    if form.is_valid():
        q, active = form.cleaned_data["q"], form.cleaned_data["active"]
    qs = accounts.search(request.user, normalize_digits(q))
    if active:
        qs = qs.filter(user__is_active=active == "1")
    page_obj = Paginator(qs, settings.MAHARAT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/list.html", {
        "form": form, "page_obj": page_obj, "title": _("حساب‌های کاربری"),
        "can_add": bool(accounts.grantable_roles(request.user)),
    })


@never_cache
@login_required
def account_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    if not accounts.grantable_roles(request.user):
        raise PermissionDenied(_("شما اجازه ساختن حساب را ندارید."))
    form = AccountForm(request.POST or None, manager=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = _apply(form, lambda: accounts.create(
            request.user, username=data["username"], first_name=data["first_name"], last_name=data["last_name"],
            email=data["email"], role=data["role"], unit=data["unit"]))
        if made is not None:
            account, password = made
            return _detail(request, account, password=password)
    return render(request, "accounts/form.html", {"form": form, "title": _("حساب کاربری تازه")})


@never_cache
@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    return _detail(request, _account(request, pk))


def _detail(request: HttpRequest, account: Account, *, password: str = "") -> HttpResponse:
    return render(request, "accounts/detail.html", {
        "account": account, "password": password, "can_change": accounts.can_change(request.user, account),
        "two_factor": TOTPDevice.objects.filter(user=account.user, confirmed=True).exists(),
        "must_change": accounts.must_change_password(account.user),
        "title": account.user.get_full_name() or account.user.get_username(),
    })


@never_cache
@login_required
def account_update(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    account = _account(request, pk)
    if not accounts.can_change(request.user, account):
        raise PermissionDenied(_("شما اجازه تغییر این حساب را ندارید."))
    initial = {"first_name": account.user.first_name, "last_name": account.user.last_name,
               "email": account.user.email, "role": account.role, "unit": account.unit.code}
    form = AccountForm(request.POST or None, manager=request.user, editing=account, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _apply(form, lambda: accounts.update(
            request.user, account, first_name=data["first_name"], last_name=data["last_name"], email=data["email"],
            role=data["role"], unit=data["unit"]))
        if saved is not None:
            messages.success(request, _("حساب ذخیره شد."))
            return redirect("account_detail", pk=account.pk)
    return render(request, "accounts/form.html", {"form": form, "account": account, "title": _("ویرایش حساب")})


ACTIONS = ("deactivate", "reactivate", "reset_two_factor", "temporary_password")


@never_cache
@login_required
@require_POST
def account_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_manager(request)
    account = _account(request, pk)
    if action not in ACTIONS:
        raise Http404
    if action == "temporary_password":
        password = accounts.set_temporary_password(request.user, account)
        return _detail(request, account, password=password)
    if action == "reset_two_factor":
        accounts.reset_two_factor(request.user, account)
        messages.success(request, _("ورود دومرحله‌ای این حساب از نو تنظیم می‌شود."))
    else:
        accounts.set_active(request.user, account, action == "reactivate")
        messages.success(request, _("حساب فعال شد.") if action == "reactivate" else _("حساب غیرفعال شد."))
    return redirect("account_detail", pk=account.pk)


# The user's own password ----------------------------------------------------------------------------------


class LocalizedMessagesMixin(StyledFormMixin):
    """Django's password messages carry numbers ("at least 10 characters"): shown in the page's digits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            if field.help_text:
                field.help_text = mark_safe(localize_digits(field.help_text))  # noqa: S308  (Django's own HTML)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        errors = self._errors  # type: ignore[attr-defined]
        for name in list(errors or {}):
            errors[name] = self.error_class([localize_digits(e) for e in errors[name]])  # type: ignore[attr-defined]


class PasswordChangeForm(LocalizedMessagesMixin, auth_forms.PasswordChangeForm):
    pass


class SetPasswordForm(LocalizedMessagesMixin, auth_forms.SetPasswordForm):
    pass


class PasswordResetForm(StyledFormMixin, auth_forms.PasswordResetForm):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("password_change_done")
    form_class = PasswordChangeForm

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        accounts.password_changed(self.request.user, how="changed")
        self.request.session["maharat_must_change"] = False
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """One answer whether or not an account has this address (Django sends nothing when none has): the page
    never tells who is registered."""

    success_url = reverse_lazy("password_reset_done")
    form_class = PasswordResetForm


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")
    form_class = SetPasswordForm

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        accounts.password_changed(form.user, how="reset by email")
        return response
