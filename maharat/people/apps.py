from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "maharat.people"
    verbose_name = "کارآموزان و مربیان"
