"""Tell open pages what changed in deliberation: subscribers of its happenings, sending through
``live.broadcast``.

Each function here is subscribed in ``DeliberationConfig.ready()`` and runs after the change has
committed (see ``core.happenings``), so whatever it reads is the change itself:

- a new or moderated statement: every page is told ("notice"), so participants who had run out of
  statements ask for one, and control pages refresh their moderation lists;
- the take-home wall changed: room screens and control pages get the wall again;
- a piece changed: room screens get the pieces again, and participants waiting for a piece ask again;
- the map was recomputed: room screens get it, and so do participants while their phase shows it.
"""

from __future__ import annotations

from coproduce.live.broadcast import everyone_group, map_group, screen_group, send_now
from coproduce.live.models import LiveSession, Phase

from . import panels, rendering
from .access import accepted_statement_texts
from .models import OpinionMapSnapshot, Piece, Statement, TakeHomeMessage

# The activities during which participants' pages follow the live map (room screens always do).
MAP_ACTIVITIES = {Phase.Activity.COMMON_GROUND}


def tell_statements_changed(statement: Statement) -> None:
    """Subscriber of ``statement_submitted`` and ``statement_moderated``."""
    send_now(everyone_group(statement.session_id), {"type": "live.notice", "what": "statements"})


def send_wall(message: TakeHomeMessage) -> None:
    """Subscriber of ``take_home_left`` and ``take_home_moderated``."""
    session_id = message.session_id
    send_now(
        screen_group(session_id),
        {"type": "live.fragment", "target": "take-home-wall", "html": panels.wall_html(session_id)},
    )


def send_pieces(piece: Piece) -> None:
    """Subscriber of ``piece_changed``."""
    session = LiveSession.objects.select_related("current_phase").get(pk=piece.session_id)
    send_now(
        screen_group(session.pk),
        {"type": "live.fragment", "target": "pieces", "html": panels.pieces_html(session)},
    )
    # People with nothing to add to ask for a piece again: this one may be for them.
    send_now(everyone_group(session.pk), {"type": "live.notice", "what": "pieces"})


def send_map(snapshot: OpinionMapSnapshot, read_at: float) -> None:
    """Subscriber of ``opinion_map_refreshed``: the new map to the room screens, and to participants
    while their phase is reviewing it."""
    session = snapshot.session
    texts = accepted_statement_texts(session.pk)
    common = {"type": "live.map", "read_at": read_at, "votes": snapshot.data.get("votes", 0)}
    send_now(
        map_group(session.pk),
        {**common, "variant": "screen", "html": rendering.render_map(session, snapshot, texts)},
    )
    phase = session.current_phase if session.is_live else None
    if phase is not None and phase.activity in MAP_ACTIVITIES:
        send_now(
            everyone_group(session.pk),
            {
                **common,
                "variant": "participant",
                "html": rendering.render_map(session, snapshot, texts, variant="participant"),
            },
        )
