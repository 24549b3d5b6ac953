from django.urls import path

from . import views

urlpatterns = [
    path("to/<str:target>/<int:object_id>/", views.upload, name="attachment_upload"),
    path("of/<str:target>/<int:object_id>/", views.record_attachments, name="record_attachments"),
    path("<int:pk>/", views.download, name="attachment_download"),
    path("<int:pk>/thumb/", views.thumbnail, name="attachment_thumbnail"),
    path("<int:pk>/remove/", views.remove, name="attachment_remove"),
]
