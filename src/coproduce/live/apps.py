from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "coproduce.live"
    label = "live"
    verbose_name = "Live sessions"

    def ready(self) -> None:
        from . import activities

        activities.register_builtin()
