from django.urls import path

from . import views

urlpatterns = [
    path("", views.FollowUpList.as_view(), name="followup_list"),
    path("new/", views.FollowUpCreate.as_view(), name="followup_create"),
    path("new/people/", views.people, name="followup_people"),
    path("<int:pk>/", views.FollowUpDetail.as_view(), name="followup_detail"),
    path("<int:pk>/<str:action>/", views.transition, name="followup_transition"),
]
