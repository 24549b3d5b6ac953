from django.urls import path

from . import views

urlpatterns = [
    path("<str:code>/", views.commitments, name="commitments"),
    path("<str:code>/allocate/<str:indicator>/<str:section>/", views.allocate, name="allocate"),
]
