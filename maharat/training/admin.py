from django.contrib import admin

from maharat.access.admin_mixins import ScopedAdminMixin

from .models import CourseRun, Enrollment, Workshop


@admin.register(Workshop)
class WorkshopAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "unit", "cluster", "seats", "is_fixed"]
    search_fields = ["code", "name"]
    raw_id_fields = ["unit"]


class EnrollmentInline(admin.TabularInline):
    """Read-only here: enrollments change through their own admin page, which uses the write path."""

    model = Enrollment
    raw_id_fields = ["trainee"]
    extra = 0

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(CourseRun)
class CourseRunAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "standard", "unit", "mode", "start_date", "end_date", "hours"]
    list_filter = ["mode"]
    search_fields = ["code"]
    raw_id_fields = ["unit", "standard", "trainer", "workshop"]
    inlines = [EnrollmentInline]


@admin.register(Enrollment)
class EnrollmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["trainee", "course_run", "hours_attended", "status"]
    list_filter = ["status"]
    raw_id_fields = ["trainee", "course_run"]
