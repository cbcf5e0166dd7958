from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "coproduce.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        from coproduce.core import happenings, home

        from . import home_section, subscribers

        happenings.attendance_recorded.subscribe(subscribers.invite_after_attendance)
        home.register_section(
            "outcomes", template="outcomes/_home_section.html", context=home_section.what_happened_context
        )
        home.register_section(
            "outcomes_feedback",
            template="outcomes/_home_feedback.html",
            context=home_section.feedback_to_give_context,
        )
