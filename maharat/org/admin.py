from django.contrib import admin

from maharat.access.admin_mixins import ScopedAdminMixin

from .models import Unit
from .services import derive_position, unit_move


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province", "is_active"]
    list_filter = ["kind", "is_active", "cluster"]
    search_fields = ["code", "name", "name_en"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "depth"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # A unit's kind decides its sector in every summary, and its code is part of its subtree's paths: the
        # pages and the API never change them, nor does the admin (found by monitoring/tests/test_differential.py).
        return [*self.readonly_fields, "kind", "code"] if obj is not None else self.readonly_fields

    def _persist(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        # Moving a unit rewrites its subtree: the admin goes through the same service as the pages.
        if change and "parent" in form.changed_data:
            return unit_move(unit=obj, new_parent=obj.parent)
        derive_position(obj)
        return super()._persist(request, obj, form, change)
