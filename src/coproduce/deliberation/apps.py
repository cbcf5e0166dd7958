from django.apps import AppConfig


class DeliberationConfig(AppConfig):
    name = "coproduce.deliberation"
    label = "deliberation"
    verbose_name = "Deliberation: statements, votes and common ground"

    def ready(self) -> None:
        # Imported here, not at the top: they import models, which Django loads after this module.
        from coproduce.core import happenings

        from . import broadcasting, map_refresh, plugin

        # What changed, to open pages.
        happenings.statement_submitted.subscribe(broadcasting.tell_statements_changed)
        happenings.statement_moderated.subscribe(broadcasting.tell_statements_changed)
        happenings.take_home_left.subscribe(broadcasting.send_wall)
        happenings.take_home_moderated.subscribe(broadcasting.send_wall)
        happenings.piece_changed.subscribe(broadcasting.send_pieces)
        happenings.opinion_map_refreshed.subscribe(broadcasting.send_map)
        # What the map is computed from changed: recompute it soon.
        happenings.vote_cast.subscribe(map_refresh.refresh_after_vote)
        happenings.statement_submitted.subscribe(map_refresh.refresh_after_new_statement)
        happenings.statement_moderated.subscribe(map_refresh.refresh_after_moderation)

        plugin.register()
