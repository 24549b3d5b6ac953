from django.urls import path

from . import views

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("export/", views.export, name="job_export"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/file/", views.job_file, name="job_file"),
]
