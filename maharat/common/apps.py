from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "maharat.common"
    verbose_name = "پایه"
