from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "maharat.catalog"
    verbose_name = "استانداردهای آموزشی"
