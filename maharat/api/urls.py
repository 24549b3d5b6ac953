from django.urls import include, path
from django.utils.module_loading import autodiscover_modules
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from maharat.kit.api import routes

from . import auth, views

router = DefaultRouter()
router.register("units", views.UnitViewSet, basename="api-unit")
router.register("standards", views.StandardViewSet, basename="api-standard")
router.register("trainees", views.TraineeViewSet, basename="api-trainee")
router.register("trainers", views.TrainerViewSet, basename="api-trainer")
router.register("workshops", views.WorkshopViewSet, basename="api-workshop")
router.register("course-runs", views.CourseRunViewSet, basename="api-courserun")
router.register("enrollments", views.EnrollmentViewSet, basename="api-enrollment")
router.register("commitments", views.CommitmentViewSet, basename="api-commitment")
router.register("test-sessions", views.TestSessionViewSet, basename="api-testsession")
router.register("candidates", views.CandidateViewSet, basename="api-candidate")
router.register("certificates", views.CertificateViewSet, basename="api-certificate")
# Every app's api.py registers its own routes (kit.api.route); a new domain adds nothing here.
autodiscover_modules("api")
for prefix, viewset, basename in routes():
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("v1/auth/token/", auth.ObtainTokenView.as_view(), name="api_token"),
    path("v1/auth/tokens/", auth.TokenListView.as_view(), name="api_token_list"),
    path("v1/auth/tokens/<int:pk>/", auth.TokenRevokeView.as_view(), name="api_token_detail"),
    path("v1/scorecard/", views.ScorecardView.as_view(), name="api_scorecard"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]
