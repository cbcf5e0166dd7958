"""The background worker: e-mail, places held too long, and every other registered job (core.worker)."""

from django.core.management.base import BaseCommand

from coproduce.core import worker


class Command(BaseCommand):
    help = (
        "Run the background work (send queued e-mail, release expired holds, ...) again and again; "
        "with --once, one pass."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass, then exit (e.g. from cron)")
        parser.add_argument(
            "--poll",
            type=float,
            default=None,
            help="seconds between passes (default: COPRODUCE_WORKER_POLL_SECONDS, 5)",
        )

    def handle(self, *args, once: bool, poll: float | None, **options):
        if once:
            self._report(worker.run_pass())
            return
        self.stdout.write(f"Background worker running jobs: {', '.join(worker.JOBS)}. Stop with Ctrl+C.")
        try:
            worker.run_forever(poll_seconds=poll, on_pass=self._report_work)
        except KeyboardInterrupt:
            self.stdout.write("Background worker stopped.")

    def _report(self, results: dict[str, object]) -> None:
        for name, result in results.items():
            self.stdout.write(f"{name}: {result}")

    def _report_work(self, results: dict[str, object]) -> None:
        # In the loop, say something only when a pass did something, so the log is not a heartbeat.
        done = {name: result for name, result in results.items() if _did_something(result)}
        if done:
            self._report(done)
            self.stdout.flush()


def _did_something(result: object) -> bool:
    if isinstance(result, Exception):
        return True
    counts = [value for value in getattr(result, "__dict__", {}).values() if isinstance(value, int)]
    return any(counts) if counts else bool(result)
