"""Run daily (cron or a systemd timer): ``coproduce manage erase_withdrawn_sources``."""

from django.core.management.base import BaseCommand

from coproduce.sensemaking.actions.withdrawal import erase_withdrawn_sources


class Command(BaseCommand):
    help = (
        "Erase the words of sources withdrawn longer ago than SENSEMAKING_WITHDRAWAL_GRACE_DAYS, flag quotes "
        "whose consent has run out, and clear spreadsheet imports left unfinished. Run once a day."
    )

    def handle(self, *args, **options):
        erased = erase_withdrawn_sources()
        self.stdout.write(f"Erased {erased} withdrawn source(s).")
