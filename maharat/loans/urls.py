from django.urls import path

from .views import loans, programmes, reports

urlpatterns = [
    path("", loans.LoanList.as_view(), name="loan_list"),
    path("new/", loans.loan_create, name="loan_create"),
    path("overdue/", reports.OverdueList.as_view(), name="loan_overdue_list"),
    path("totals/", reports.totals, name="loan_totals"),
    path("programmes/", programmes.ProgrammeList.as_view(), name="loan_programme_list"),
    path("programmes/new/", programmes.programme_create, name="loan_programme_create"),
    path("programmes/<int:pk>/", programmes.ProgrammeDetail.as_view(), name="loan_programme_detail"),
    path("programmes/<int:pk>/edit/", programmes.programme_edit, name="loan_programme_edit"),
    path("<int:pk>/", loans.LoanDetail.as_view(), name="loan_detail"),
    path("<int:pk>/<str:action>/", loans.loan_step, name="loan_step"),
]
