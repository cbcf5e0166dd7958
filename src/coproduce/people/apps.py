from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "coproduce.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        # Every app's ``data_rights`` module registers what it holds about a person.
        from . import data_rights

        data_rights.autodiscover()
