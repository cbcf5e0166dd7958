from django.apps import AppConfig


class SensemakingConfig(AppConfig):
    name = "coproduce.sensemaking"
    label = "sensemaking"
    verbose_name = "Sense-making"
