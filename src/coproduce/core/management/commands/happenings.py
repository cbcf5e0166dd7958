"""List every happening, its payload, its publisher and its subscribers, as the running code has them."""

from django.core.management.base import BaseCommand

from coproduce.core.happenings import CATALOGUE, subscriber_name


class Command(BaseCommand):
    help = "List every happening with its payload, publisher and subscribers."

    def handle(self, *args, **options):
        for happening in CATALOGUE.values():
            payload = ", ".join(happening.payload)
            self.stdout.write(f"{happening.name}({payload})  published by {happening.publisher}")
            for subscriber in happening.subscribers:
                self.stdout.write(f"    -> {subscriber_name(subscriber)}")
            if not happening.subscribers:
                self.stdout.write("    (no subscribers yet)")
