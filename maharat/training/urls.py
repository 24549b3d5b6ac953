from django.urls import include, path

from . import views

urlpatterns = [
    # The pickers' search-as-you-type (kit/lookup.py); it may move to the project's URLs, the name stays "lookup".
    path("lookup/", include("maharat.kit.lookup")),
    path("workshops/", views.WorkshopListView.as_view(), name="workshop_list"),
    path("workshops/new/", views.WorkshopCreateView.as_view(), name="workshop_create"),
    path("workshops/<int:pk>/", views.WorkshopDetailView.as_view(), name="workshop_detail"),
    path("workshops/<int:pk>/edit/", views.WorkshopUpdateView.as_view(), name="workshop_update"),
    path("course-runs/", views.CourseRunListView.as_view(), name="courserun_list"),
    path("course-runs/new/", views.CourseRunCreateView.as_view(), name="courserun_create"),
    path("course-runs/<int:pk>/", views.CourseRunDetailView.as_view(), name="courserun_detail"),
    path("course-runs/<int:pk>/edit/", views.CourseRunUpdateView.as_view(), name="courserun_update"),
    path("course-runs/<int:run>/enroll/", views.EnrollmentCreateView.as_view(), name="enrollment_create"),
    path("enrollments/", views.EnrollmentListView.as_view(), name="enrollment_list"),
    path("enrollments/<int:pk>/", views.EnrollmentDetailView.as_view(), name="enrollment_detail"),
    path("enrollments/<int:pk>/edit/", views.EnrollmentUpdateView.as_view(), name="enrollment_update"),
]
