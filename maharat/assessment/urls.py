from django.urls import path

from . import views

urlpatterns = [
    path("sessions/", views.SessionListView.as_view(), name="testsession_list"),
    path("sessions/new/", views.SessionCreateView.as_view(), name="testsession_create"),
    path("sessions/<int:pk>/", views.SessionDetailView.as_view(), name="testsession_detail"),
    path("sessions/<int:pk>/edit/", views.SessionUpdateView.as_view(), name="testsession_update"),
    path("sessions/<int:pk>/certificates.pdf", views.session_pdf, name="testsession_pdf"),
    path("sessions/<int:pk>/<str:action>/", views.session_action, name="testsession_action"),
    path("certificates/", views.CertificateListView.as_view(), name="certificate_list"),
    path("certificates/<int:pk>/", views.CertificateDetailView.as_view(), name="certificate_detail"),
    path("certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/status/", views.certificate_status, name="certificate_status"),
    path("course-runs/<int:pk>/certificates.pdf", views.course_run_pdf, name="courserun_certificates_pdf"),
]

# Mounted without a prefix: the public pages and API for verification.
public_urlpatterns = [
    path("verify/", views.verify_page, name="verify"),
    path("verify/public-key.pem", views.public_key, name="verify_public_key"),
    path("verify/<str:serial>/", views.verify_page, name="verify_serial"),
    path("api/v1/verify/", views.verify_payload_api, name="api_verify_payload"),
    path("api/v1/verify/<str:serial>/", views.verify_api, name="api_verify_serial"),
]
