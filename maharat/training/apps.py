from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "maharat.training"
    verbose_name = "آموزش"
