"""Send the e-mail that is due, once (``coproduce worker`` does this continually)."""

from django.core.management.base import BaseCommand

from coproduce.core import outbox


class Command(BaseCommand):
    help = "Send every queued e-mail that is due, once; print how many were sent, failed and given up."

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="first queue again the messages the worker gave up on (e.g. after fixing the mail settings)",
        )

    def handle(self, *args, retry_failed: bool, **options):
        if retry_failed:
            self.stdout.write(f"{outbox.retry_failed()} failed messages queued again")
        self.stdout.write(str(outbox.send_due()))
