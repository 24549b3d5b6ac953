from django.urls import path

from . import views

urlpatterns = [
    path("", views.caps, name="fees_caps"),
    path("course-runs/<int:pk>/fee/", views.run_fee, name="fees_run_fee"),
    path("course-runs/<int:pk>/close/", views.run_close, name="fees_run_close"),
    path("refunds/<int:pk>/pay/", views.refund_pay, name="fees_refund_pay"),
]
