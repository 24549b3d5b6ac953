from django.urls import path

from . import views

urlpatterns = [
    path("", views.LoanList.as_view(), name="equipmentloan_list"),
    path("new/", views.LoanCreate.as_view(), name="equipmentloan_create"),
    path("<int:pk>/", views.LoanDetail.as_view(), name="equipmentloan_detail"),
    path("<int:pk>/edit/", views.LoanUpdate.as_view(), name="equipmentloan_update"),
]
