"""Send the one reminder to people who have not yet answered a feedback form (run daily)."""

from django.core.management.base import BaseCommand

from coproduce.outcomes.actions import do_send_feedback_reminders


class Command(BaseCommand):
    help = (
        "Remind, once, people invited to an open feedback form at least three days ago who have not answered."
    )

    def handle(self, *args, **options):
        sent = do_send_feedback_reminders()
        self.stdout.write(f"{sent} reminder(s) sent.")
