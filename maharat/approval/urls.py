from django.urls import path

from . import views

urlpatterns = [
    path("completeness/", views.completeness, name="completeness"),
    path("close/", views.period_close, name="period_close"),
    path("inbox/", views.inbox, name="period_inbox"),
    path("inbox/decide/", views.inbox_bulk, name="period_inbox_bulk"),
    path("delegations/", views.delegations, name="period_delegations"),
    path("delegations/<int:pk>/revoke/", views.delegation_revoke, name="period_delegation_revoke"),
    path("<str:code>/", views.period_list, name="period_list"),
    path("<str:code>/<int:year>/<int:month>/<str:action>/", views.period_action, name="period_action"),
]
