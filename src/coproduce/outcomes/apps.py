from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "coproduce.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        from coproduce.core import happenings, home, worker
        from coproduce.partnerships.work_links import register_work_link

        from . import home_section, links, subscribers
        from .actions import do_send_feedback_reminders

        happenings.attendance_recorded.subscribe(subscribers.invite_after_attendance)
        happenings.session_finished.subscribe(subscribers.invite_after_session)
        register_work_link(links.actions_link)
        # the one reminder goes out on the worker's next pass once it is due (no cron job to set up)
        worker.register_job("outcomes.send_feedback_reminders", do_send_feedback_reminders)
        home.register_section(
            "outcomes", template="outcomes/_home_section.html", context=home_section.what_happened_context
        )
        home.register_section(
            "outcomes_feedback",
            template="outcomes/_home_feedback.html",
            context=home_section.feedback_to_give_context,
        )
