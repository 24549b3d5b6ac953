from django.urls import path

from . import views

# Included first by monitoring/urls.py: "fields/" would otherwise be read as a unit code.
urlpatterns = [
    path("fields/", views.fields_page, name="monitoring_fields_home"),
    path("fields/<str:code>/", views.fields_page, name="monitoring_fields"),
]
