from django.contrib import admin

from maharat.audit.models import AuditAction
from maharat.audit.services import log, snapshot

from .models import Account


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__code", "unit__name"]
    raw_id_fields = ["user", "unit"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        old = snapshot(Account.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        log(action=AuditAction.PERMISSION, instance=obj, old=old, new=snapshot(obj), unit=obj.unit, user=request.user)

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        log(action=AuditAction.PERMISSION, instance=obj, old=snapshot(obj), unit=obj.unit, user=request.user,
            note="account removed")
        super().delete_model(request, obj)
