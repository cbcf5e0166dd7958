from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "coproduce.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        from coproduce.core import home

        from . import home_section

        home.register_section(
            "outcomes", template="outcomes/_home_section.html", context=home_section.what_happened_context
        )
