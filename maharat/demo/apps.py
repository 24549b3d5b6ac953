from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "maharat.demo"
    verbose_name = "کشور نمونه"
