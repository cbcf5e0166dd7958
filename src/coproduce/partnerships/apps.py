from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "coproduce.partnerships"
    label = "partnerships"
    verbose_name = "Partnerships"
