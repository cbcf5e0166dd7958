"""The plug-in points through which activities (statements, take-home wall, pass it on...) join a session.

The live runtime knows phases, timers and participants. What a participant does during a phase is
provided by the app that owns that activity (``deliberation`` for statements and votes), registered
here from its AppConfig.ready(). The runtime never imports those apps, so data flows one way.

Why this is a registry and not a happening (``core.happenings``): a happening says "this happened"
after commit and gets nothing back, and its subscribers' failures are kept aside and retried later.
Everything here is the other way round: the runtime *asks* the activity's app for something it needs
now, in the same request or websocket message: the HTML of a panel, the acknowledgement of a vote,
a section of the control page, a link. A page cannot be drawn, and a vote cannot be acknowledged,
without the answer, and a failure must reach the person at once, not a retry queue. What the runtime
does announce (a session started, a phase started, a session finished) goes through happenings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string

from .models import LiveSession, Participant, Phase


@dataclass
class SocketReply:
    """What a websocket message handler answers: an acknowledgement, and whether to redraw the panel."""

    ok: bool
    message: str = ""
    redraw_panel: bool = True
    data: dict[str, Any] = field(default_factory=dict)


# participant panel: (session, phase, participant, csrf_token) -> HTML
ParticipantPanel = Callable[[LiveSession, Phase, Participant, str], str]
# room-screen panel: (session, phase) -> HTML
ScreenPanel = Callable[[LiveSession, Phase], str]
# websocket handler: (session, participant, payload) -> SocketReply; runs in a database thread
SocketHandler = Callable[[LiveSession, Participant, dict], SocketReply]
# a section of the facilitator's control page: (request, session) -> HTML
ControlSection = Callable[[Any, LiveSession], str]
# a link shown with a session: (user, session) -> (label, url) or None
SessionLink = Callable[[Any, LiveSession], "tuple[str, str] | None"]

PARTICIPANT_PANELS: dict[str, ParticipantPanel] = {}
SCREEN_PANELS: dict[str, ScreenPanel] = {}
SOCKET_HANDLERS: dict[str, SocketHandler] = {}
# Handlers that check the session's status and phase themselves, in the same statement that writes: they
# are given the session as the connection first read it (for its id) instead of a fresh read.
CHECKS_PHASE_ITSELF: set[str] = set()
CONTROL_SECTIONS: list[ControlSection] = []
SESSION_LINKS: list[SessionLink] = []


def register_activity(
    activity: str, *, participant_panel: ParticipantPanel, screen_panel: ScreenPanel
) -> None:
    PARTICIPANT_PANELS[activity] = participant_panel
    SCREEN_PANELS[activity] = screen_panel


def register_socket_handler(
    message_type: str, handler: SocketHandler, *, checks_phase_itself: bool = False
) -> None:
    SOCKET_HANDLERS[message_type] = handler
    if checks_phase_itself:
        CHECKS_PHASE_ITSELF.add(message_type)


def register_control_section(section: ControlSection) -> None:
    if section not in CONTROL_SECTIONS:
        CONTROL_SECTIONS.append(section)


def register_session_link(link: SessionLink) -> None:
    if link not in SESSION_LINKS:
        SESSION_LINKS.append(link)


def render_participant_panel(session: LiveSession, participant: Participant, csrf_token: str = "") -> str:
    """The participant's part of the page for where the session is now."""
    phase = session.current_phase if session.is_live else None
    if phase is None:
        return render_to_string(
            "live/panels/waiting.html",
            {"session": session, "participant": participant, "links": session_links(None, session)},
        )
    panel = PARTICIPANT_PANELS.get(phase.activity)
    if panel is None:
        return render_to_string("live/panels/information.html", {"session": session, "phase": phase})
    return panel(session, phase, participant, csrf_token)


def render_screen_panel(session: LiveSession) -> str:
    phase = session.current_phase if session.is_live else None
    if phase is None:
        return render_to_string("live/panels/screen_waiting.html", {"session": session})
    panel = SCREEN_PANELS.get(phase.activity)
    if panel is None:
        return render_to_string("live/panels/screen_information.html", {"session": session, "phase": phase})
    return panel(session, phase)


def session_links(user, session: LiveSession) -> list[tuple[str, str]]:
    return [link for fn in SESSION_LINKS if (link := fn(user, session)) is not None]


def register_builtin() -> None:
    def information_panel(session, phase, participant, csrf_token):
        return render_to_string("live/panels/information.html", {"session": session, "phase": phase})

    def information_screen(session, phase):
        return render_to_string("live/panels/screen_information.html", {"session": session, "phase": phase})

    register_activity(
        Phase.Activity.INFORMATION, participant_panel=information_panel, screen_panel=information_screen
    )
