"""Release visitors' sign-ups not confirmed in time, once (``coproduce worker`` does this continually)."""

from django.core.management.base import BaseCommand

from coproduce.events.jobs import release_expired_holds


class Command(BaseCommand):
    help = (
        "Release every visitor's sign-up whose time to confirm their e-mail address is over, and give "
        "the freed places to the people waiting (who are e-mailed)."
    )

    def handle(self, *args, **options):
        self.stdout.write(str(release_expired_holds()))
