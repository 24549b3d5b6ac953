from django.urls import path

from .views import complaints, method, plan, public, sanctions, visits

urlpatterns = [
    path("visits/", visits.VisitList.as_view(), name="visit_list"),
    path("visits/new/", visits.visit_create, name="visit_create"),
    path("visits/<int:pk>/", visits.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/results/", visits.visit_results, name="visit_results"),
    path("visits/<int:pk>/findings/new/", visits.finding_add, name="finding_add"),
    path("visits/<int:pk>/<slug:action>/", visits.visit_transition, name="visit_transition"),
    path("plan/", plan.visit_plan, name="visit_plan"),
    path("risk/<str:code>/", plan.institute_risk, name="institute_risk"),
    path("proposals/", sanctions.ProposalList.as_view(), name="proposal_list"),
    path("proposals/<int:pk>/", sanctions.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/decide/", sanctions.proposal_decide, name="proposal_decide"),
    path("proposals/<int:pk>/dismiss/", sanctions.proposal_dismiss, name="proposal_dismiss"),
    path("complaints/", complaints.ComplaintList.as_view(), name="complaint_list"),
    path("complaints/<int:pk>/", complaints.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/<slug:action>/", complaints.complaint_step, name="complaint_step"),
    path("checklist/", method.checklist_list, name="checklist_list"),
    path("checklist/draft/", method.checklist_draft, name="checklist_draft"),
    path("checklist/<int:pk>/", method.checklist_detail, name="checklist_detail"),
    path("checklist/<int:pk>/items/new/", method.item_edit, name="checklist_item_add"),
    path("checklist/<int:pk>/items/<int:item>/", method.item_edit, name="checklist_item_edit"),
    path("checklist/<int:pk>/items/<int:item>/remove/", method.item_remove, name="checklist_item_remove"),
    path("checklist/<int:pk>/publish/", method.checklist_publish, name="checklist_publish"),
    path("settings/", method.risk_settings, name="risk_settings"),
    # Public: no sign-in.
    path("complain/", public.complain, name="complaint_public"),
    path("track/", public.track, name="complaint_track"),
    path("track/<str:code>/", public.track, name="complaint_track_code"),
]
