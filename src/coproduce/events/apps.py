from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "coproduce.events"
    label = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        from coproduce.core import worker

        from . import jobs

        # Visitors' sign-ups whose time to confirm is over give their places to the people waiting.
        worker.register_job("events.release_expired_holds", jobs.release_expired_holds)
