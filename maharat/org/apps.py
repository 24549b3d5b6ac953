from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "maharat.org"
    verbose_name = "ساختار سازمانی"
