from django.contrib import admin

from .models import CourseRun, Enrollment, Workshop


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "cluster", "seats", "is_fixed"]
    search_fields = ["code", "name"]
    raw_id_fields = ["unit"]


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    raw_id_fields = ["trainee"]
    extra = 0


@admin.register(CourseRun)
class CourseRunAdmin(admin.ModelAdmin):
    list_display = ["code", "standard", "unit", "mode", "start_date", "end_date", "hours"]
    list_filter = ["mode"]
    search_fields = ["code"]
    raw_id_fields = ["unit", "standard", "trainer", "workshop"]
    inlines = [EnrollmentInline]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["trainee", "course_run", "hours_attended", "status"]
    list_filter = ["status"]
    raw_id_fields = ["trainee", "course_run"]
