from django.contrib import admin

from maharat.access.admin_mixins import ScopedAdminMixin

from .models import TargetGroup, Trainee, Trainer


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "name"]


@admin.register(Trainee)
class TraineeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["national_code", "first_name", "last_name", "sex", "residence", "income_decile"]
    list_filter = ["sex", "residence", "nationality", "has_disability"]
    search_fields = ["national_code", "last_name", "first_name"]
    raw_id_fields = ["registered_unit"]
    filter_horizontal = ["target_groups"]


@admin.register(Trainer)
class TrainerAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["national_code", "first_name", "last_name", "employment", "home_unit", "is_active"]
    list_filter = ["employment", "is_active"]
    search_fields = ["national_code", "last_name"]
    raw_id_fields = ["home_unit"]
    filter_horizontal = ["standards"]
