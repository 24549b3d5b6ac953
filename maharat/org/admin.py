from django.contrib import admin

from .models import Unit
from .services import derive_position


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province", "is_active"]
    list_filter = ["kind", "is_active", "cluster"]
    search_fields = ["code", "name", "name_en"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "depth"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        # Moving a unit rewrites its subtree; the admin goes through the same service as the pages.
        from .services import unit_move

        if change and "parent" in form.changed_data:
            unit_move(unit=obj, new_parent=obj.parent)
            return
        derive_position(obj)
        super().save_model(request, obj, form, change)
