"""Run again the subscribers that failed on a happening (daily, or after fixing what made them fail)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from coproduce.core.happenings import retry
from coproduce.core.models import FailedHappening


class Command(BaseCommand):
    help = "Run again every subscriber that failed on a happening; print what succeeded and what still fails."

    def add_arguments(self, parser):
        parser.add_argument("--max-attempts", type=int, default=10, help="give up after this many tries")

    def handle(self, *args, max_attempts: int, **options):
        retried = succeeded = 0
        for failure in FailedHappening.objects.filter(resolved_at=None, attempts__lt=max_attempts):
            retried += 1
            if retry(failure):
                succeeded += 1
        waiting = FailedHappening.objects.filter(resolved_at=None).count()
        self.stdout.write(
            f"{timezone.now():%Y-%m-%d %H:%M}: {retried} retried, {succeeded} succeeded, "
            f"{waiting} still failing"
        )
