"""The panels live sessions show for deliberation's activities: gather what to show, then draw it.

These are the functions registered with ``live.activities`` (participant panel: ``(session, phase,
participant, csrf_token)``; room screen: ``(session, phase)``), and the ones deliberation's own views
call to show a panel again with an error. Like a view, each one reads through ``access``, ``selection``
and ``map_refresh``, makes the claims that showing the panel implies through actions (the pass-it-on
piece passed to this person), and hands everything to ``rendering``, which draws it and does nothing
else.
"""

from __future__ import annotations

from coproduce.core.errors import ActionError
from coproduce.live.models import LiveSession, Participant, Phase

from . import access, actions, rendering
from .map_refresh import current_map, warm_up
from .selection import next_statement

# --- the map, as panels and messages show it ------------------------------------------------------------


def map_html(session: LiveSession, *, variant: str = "screen") -> str:
    """The session's map, brought up to date first if it is out of date."""
    return rendering.render_map(
        session, current_map(session), access.accepted_statement_texts(session.pk), variant=variant
    )


def map_summary(session: LiveSession) -> dict:
    """The map's context (common ground found so far), for the take-home panels and the map as text."""
    return rendering.map_context(session, current_map(session), access.accepted_statement_texts(session.pk))


# --- participants --------------------------------------------------------------------------------------


def statements_panel(
    session: LiveSession,
    phase: Phase,
    participant: Participant,
    csrf_token: str = "",
    *,
    error: ActionError | None = None,
    text: str = "",
) -> str:
    """Drawn after every vote: one query to choose the next statement (see selection.py)."""
    warm_up()  # the map's helper process, ready before the first votes come in
    return rendering.render_statements_panel(
        session, phase, participant, csrf_token, queue=next_statement(participant), error=error, text=text
    )


def common_ground_panel(
    session: LiveSession, phase: Phase, participant: Participant, csrf_token: str = ""
) -> str:
    return rendering.render_common_ground_panel(
        session, phase, map_html=map_html(session, variant="participant")
    )


def take_home_panel(
    session: LiveSession,
    phase: Phase,
    participant: Participant,
    csrf_token: str = "",
    *,
    error: ActionError | None = None,
    text: str | None = None,
) -> str:
    return rendering.render_take_home_panel(
        session,
        phase,
        csrf_token,
        mine=access.take_home_message_of(phase, participant),
        summary=map_summary(session),
        error=error,
        text=text,
    )


def pass_it_on_panel(
    session: LiveSession,
    phase: Phase,
    participant: Participant,
    csrf_token: str = "",
    *,
    error: ActionError | None = None,
    text: str = "",
) -> str:
    """Once this person has started a piece, showing the panel passes them one to add to: it is claimed
    (held for them) here, before it is drawn."""
    started = access.piece_started_by(phase, participant)
    piece = None
    if started is not None:
        try:
            piece = actions.do_take_next_piece(session, participant)
        except actions.DeliberationError:  # the phase ended meanwhile: the next redraw shows where we are
            piece = None
    return rendering.render_pass_it_on_panel(
        session,
        phase,
        csrf_token,
        started=started,
        piece=piece,
        contributions=access.lines_of(piece),
        added=access.pieces_added_to(phase, participant),
        error=error,
        text=text,
    )


# --- room screens ---------------------------------------------------------------------------------------


def statements_screen(session: LiveSession, phase: Phase) -> str:
    return rendering.render_statements_screen(session, phase, map_html=map_html(session))


def common_ground_screen(session: LiveSession, phase: Phase) -> str:
    return rendering.render_common_ground_screen(session, phase, map_html=map_html(session))


def take_home_screen(session: LiveSession, phase: Phase) -> str:
    return rendering.render_take_home_screen(
        session, phase, wall_html=wall_html(session), summary=map_summary(session)
    )


def pass_it_on_screen(session: LiveSession, phase: Phase) -> str:
    return rendering.render_pass_it_on_screen(session, phase, pieces_html=pieces_html(session))


def wall_html(session: LiveSession | int) -> str:
    return rendering.render_wall(access.wall_messages(session))


def pieces_html(session: LiveSession) -> str:
    """The pieces of the pass-it-on phase running now (all of the session's, between such phases)."""
    phase = session.current_phase
    running = phase if phase is not None and phase.activity == Phase.Activity.PASS_IT_ON else None
    return rendering.render_pieces(access.pieces_of(session, running))
