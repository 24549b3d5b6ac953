from django.urls import path

from . import views

urlpatterns = [
    path("completeness/", views.completeness, name="completeness"),
    path("close/", views.period_close, name="period_close"),
    path("<str:code>/", views.period_list, name="period_list"),
    path("<str:code>/<int:year>/<int:month>/<str:action>/", views.period_action, name="period_action"),
]
