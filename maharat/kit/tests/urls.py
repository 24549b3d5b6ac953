from django.urls import include, path

from maharat.config.urls import urlpatterns as platform

# The lending app stands for "a new domain"; its own prefix, clear of the platform's (loans/ is the institutes' loans).
urlpatterns = [path("equipment-loans/", include("maharat.kit.tests.lending.urls")), *platform]
