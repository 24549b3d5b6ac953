from django.urls import path

from . import views
from .fields.urls import urlpatterns as fields_urls

urlpatterns = [
    *fields_urls,
    path("", views.scorecard, name="monitoring_home"),
    path("alerts/", views.alerts, name="monitoring_alerts"),
    path("map/", views.iran_map, name="monitoring_map"),
    path("<str:code>/", views.scorecard, name="monitoring_scorecard"),
    path("<str:code>/unit/", views.unit_page, name="monitoring_unit"),
    path("<str:code>/evaluation/", views.evaluation, name="monitoring_evaluation"),
    path("<str:code>/annual/", views.annual, name="monitoring_annual"),
]
