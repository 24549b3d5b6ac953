"""The Django admin through the same permission layer and write path as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from . import policy, writes


class ScopedAdminMixin:
    def get_queryset(self, request: Any) -> QuerySet:
        return policy.scope(request.user, super().get_queryset(request))  # type: ignore[misc]

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        record = policy.record_of(self.model)  # type: ignore[attr-defined]
        return policy.can(request.user, "view", obj) if obj is not None else policy.may(request.user, "view", record)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        record = policy.record_of(self.model)  # type: ignore[attr-defined]
        return policy.can(request.user, "change", obj) if obj is not None else policy.may(request.user, "change", record)

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return policy.may(request.user, "add", policy.record_of(self.model))  # type: ignore[attr-defined]

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        record = policy.record_of(self.model)  # type: ignore[attr-defined]
        return policy.can(request.user, "delete", obj) if obj is not None else policy.may(request.user, "delete", record)

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        # The pickers offer only what the user may see: no attaching another province's trainer or parent unit.
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        return _scoped(field, request.user)

    def formfield_for_manytomany(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        return _scoped(field, request.user)

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        writes.save_record(user=request.user, instance=obj, persist=lambda: self._persist(request, obj, form, change))

    def _persist(self, request: Any, obj: Any, form: Any, change: bool) -> Any:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        return obj

    def delete_model(self, request: Any, obj: Any) -> None:
        writes.delete_record(user=request.user, instance=obj)

    def delete_queryset(self, request: Any, queryset: QuerySet) -> None:
        for obj in queryset:
            writes.delete_record(user=request.user, instance=obj)


def _scoped(field: Any, user: Any) -> Any:
    if field is not None and hasattr(field, "queryset") and policy.governed(field.queryset.model):
        field.queryset = policy.scope(user, field.queryset)
    return field
