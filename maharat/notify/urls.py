from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.open_note, name="notify_open"),
    path("<int:pk>/read/", views.read_one, name="notify_read"),
    path("read-all/", views.read_all, name="notify_read_all"),
    path("channels/", views.channels, name="notify_channels"),
    path("sms/hook/<str:token>/", views.sms_hook, name="sms_hook"),
    path("sms/stop/<str:token>/", views.sms_stop, name="sms_stop"),
]
