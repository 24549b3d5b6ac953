from django.urls import path

from . import views

urlpatterns = [
    path("", views.import_page, name="import"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("templates/<str:kind>.xlsx", views.template_download, name="import_template"),
    path("export/<str:kind>/", views.export_for_import, name="import_export"),
]
