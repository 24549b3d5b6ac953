from django.urls import include, path

from maharat.config.urls import urlpatterns as platform

urlpatterns = [path("loans/", include("maharat.kit.tests.lending.urls")), *platform]
