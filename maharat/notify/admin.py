"""The delivery logs for superusers: read only (the log is evidence of what was sent). Opt-outs may be added
("how: admin", when someone asks by telephone) and removed, through the same services as every other channel."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from . import sms
from .models import EmailLog, OptOutChannel, SmsMessage, SmsOptOut
from .text import phone_of


class _SuperuserOnly:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)


class _ReadOnly(_SuperuserOnly):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SmsMessage)
class SmsMessageAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "phone", "purpose", "status", "parts", "provider_status", "sent_at", "delivered_at"]
    list_filter = ["status", "purpose"]
    search_fields = ["phone", "key", "provider_id"]
    date_hierarchy = "created_at"


@admin.register(EmailLog)
class EmailLogAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "address", "subject", "purpose", "status", "sent_at"]
    list_filter = ["status", "purpose"]
    search_fields = ["address", "key", "subject"]
    date_hierarchy = "created_at"


class OptOutForm(forms.ModelForm):
    phone = forms.CharField(label=SmsOptOut._meta.get_field("phone").verbose_name, max_length=40)  # "+98 912 …"

    class Meta:
        model = SmsOptOut
        fields = ["phone"]

    def clean_phone(self) -> str:
        number = phone_of(self.cleaned_data.get("phone"))
        if number is None:
            raise ValidationError(sms.MOBILE_FORMAT)
        return number


@admin.register(SmsOptOut)
class SmsOptOutAdmin(_SuperuserOnly, admin.ModelAdmin):
    form = OptOutForm
    list_display = ["phone", "how", "created_at"]
    list_filter = ["how"]
    search_fields = ["phone"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: SmsOptOut, form: Any, change: bool) -> None:
        sms.opt_out(obj.phone, OptOutChannel.ADMIN, user=request.user)
        obj.pk = SmsOptOut.objects.get(phone=obj.phone).pk

    def delete_model(self, request: HttpRequest, obj: SmsOptOut) -> None:
        sms.opt_in(obj.phone, user=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for record in queryset:
            sms.opt_in(record.phone, user=request.user)
