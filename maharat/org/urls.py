from django.urls import path

from . import views

urlpatterns = [
    path("", views.UnitListView.as_view(), name="unit_list"),
    path("new/", views.UnitCreateView.as_view(), name="unit_create"),
    path("<str:code>/", views.UnitDetailView.as_view(), name="unit_detail"),
    path("<str:code>/edit/", views.UnitUpdateView.as_view(), name="unit_update"),
]
