from django.contrib import admin

from maharat.access.admin_mixins import ScopedAdminMixin

from .models import Standard


@admin.register(Standard)
class StandardAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "title", "cluster", "theory_hours", "practice_hours", "level", "is_active"]
    list_filter = ["cluster", "level", "is_active"]
    search_fields = ["code", "title", "title_en"]
