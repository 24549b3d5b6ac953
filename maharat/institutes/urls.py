from django.urls import path

from . import views, views_public

urlpatterns = [
    path("licences/", views.LicenceList.as_view(), name="licence_list"),
    path("licences/<int:pk>/", views.licence_detail, name="licence_detail"),
    path("licences/<int:pk>/decide/", views.licence_decide, name="licence_decide"),
    path("licences/<int:pk>/licence.pdf", views.licence_pdf, name="licence_pdf"),
    path("applications/", views.ApplicationList.as_view(), name="application_list"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/step/<slug:name>/", views.application_step, name="application_step"),
    path("applications/<int:pk>/decide/<slug:outcome>/", views.application_decide, name="application_decide"),
    path("<int:pk>/renew/", views.application_renew, name="application_renew"),
    path("decisions/", views.DecisionList.as_view(), name="decision_list"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/letter.pdf", views.decision_pdf, name="decision_pdf"),
    path("decisions/<int:pk>/appeal/", views.decision_appeal, name="decision_appeal"),
    path("appeals/<int:pk>/rule/", views.appeal_rule, name="appeal_rule"),
    # Public: no sign-in.
    path("register/", views_public.register, name="institute_register"),
    path("register/<str:code>/", views_public.institute_page, name="institute_public"),
    path("verify/", views_public.verify, name="licence_verify"),
    path("verify/<str:number>/", views_public.verify, name="licence_verify_number"),
]
