from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """For superusers only, read-only: every attachment, removed ones included (the audit's view). Writes go
    through the record's page (services.attach / remove), where the record's permission is asked."""

    list_display = ["original_name", "mime_type", "size", "short_hash", "content_type", "object_id", "uploaded_by",
                    "uploaded_at", "removed_at"]
    list_filter = ["mime_type", "content_type", ("removed_at", admin.EmptyFieldListFilter)]
    search_fields = ["original_name", "title", "sha256"]
    readonly_fields = [f.name for f in Attachment._meta.fields]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
