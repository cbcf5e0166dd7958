from django.apps import AppConfig


class DeliberationConfig(AppConfig):
    name = "coproduce.deliberation"
    label = "deliberation"
    verbose_name = "Deliberation: statements, votes and common ground"

    def ready(self) -> None:
        from . import plugin

        plugin.register()
