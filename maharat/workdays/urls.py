from django.urls import path

from . import views

urlpatterns = [
    path("", views.calendar, name="workdays_calendar"),
    path("holidays/new/", views.holiday_create, name="holiday_create"),
    path("holidays/<int:pk>/edit/", views.holiday_update, name="holiday_update"),
    path("holidays/<int:pk>/confirm/", views.holiday_confirm, name="holiday_confirm"),
    path("holidays/<int:pk>/delete/", views.holiday_delete, name="holiday_delete"),
]
