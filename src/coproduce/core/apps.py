from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "coproduce.core"
    label = "core"
    verbose_name = "Coproduce core"

    def ready(self) -> None:
        from . import happenings, outbox, worker

        worker.register_job("core.send_outbox", outbox.send_due)
        worker.register_job("core.retry_happenings", happenings.retry_due)
