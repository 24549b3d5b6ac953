from django.urls import path

from . import views

urlpatterns = [
    path("", views.StandardListView.as_view(), name="standard_list"),
    path("new/", views.StandardCreateView.as_view(), name="standard_create"),
    path("<int:pk>/", views.StandardDetailView.as_view(), name="standard_detail"),
    path("<int:pk>/edit/", views.StandardUpdateView.as_view(), name="standard_update"),
]
