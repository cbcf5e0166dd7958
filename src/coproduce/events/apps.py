from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "coproduce.events"
    label = "events"
    verbose_name = "Events"
