from django.urls import path

from . import views

urlpatterns = [
    path("trainees/", views.TraineeListView.as_view(), name="trainee_list"),
    path("trainees/new/", views.TraineeCreateView.as_view(), name="trainee_create"),
    path("trainees/<int:pk>/", views.TraineeDetailView.as_view(), name="trainee_detail"),
    path("trainees/<int:pk>/edit/", views.TraineeUpdateView.as_view(), name="trainee_update"),
    path("trainees/<int:pk>/sms/", views.trainee_sms, name="trainee_sms"),
    path("trainers/", views.TrainerListView.as_view(), name="trainer_list"),
    path("trainers/new/", views.TrainerCreateView.as_view(), name="trainer_create"),
    path("trainers/<int:pk>/", views.TrainerDetailView.as_view(), name="trainer_detail"),
    path("trainers/<int:pk>/edit/", views.TrainerUpdateView.as_view(), name="trainer_update"),
]
