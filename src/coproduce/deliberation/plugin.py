"""Plugs statements, the live map, the take-home wall and pass it on into live sessions.

``register()`` (from ``DeliberationConfig.ready()``) fills live's plug-in registry: each activity's
panels (``panels.py``), the websocket messages participants send (handled here through the actions),
the facilitator's section of the control page, and the link to the outcomes page.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from coproduce.live import activities
from coproduce.live.activities import SocketReply
from coproduce.live.models import LiveSession, Participant, Phase
from coproduce.live.permissions import can_control_session

from . import access, actions, panels
from .forms import MergeForm, SeedStatementForm
from .models import Statement


def _text(payload: dict) -> str:
    text = payload.get("text")
    return text if isinstance(text, str) else ""


def handle_vote(session: LiveSession, participant: Participant, payload: dict) -> SocketReply:
    try:
        vote = actions.do_cast_vote(
            session, participant, statement_id=payload.get("statement"), value=payload.get("value")
        )
    except actions.DeliberationError as error:
        return SocketReply(ok=False, message=error.message)
    return SocketReply(
        ok=True, message="Vote saved.", data={"statement": vote.statement_id, "value": vote.value}
    )


def handle_statement(session: LiveSession, participant: Participant, payload: dict) -> SocketReply:
    try:
        statement = actions.do_submit_statement(session, participant, text=_text(payload))
    except actions.DeliberationError as error:
        return SocketReply(ok=False, message=error.message, redraw_panel=False, data={"field": error.field})
    return SocketReply(ok=True, message=statement_thanks(statement))


def statement_thanks(statement: Statement) -> str:
    if statement.status == Statement.Status.PENDING:
        return "Thank you. A facilitator will read your statement before it is shown."
    return "Thank you. Your statement is now in the list for everyone to vote on."


def handle_take_home(session: LiveSession, participant: Participant, payload: dict) -> SocketReply:
    try:
        actions.do_leave_take_home_message(session, participant, text=_text(payload))
    except actions.DeliberationError as error:
        return SocketReply(ok=False, message=error.message, redraw_panel=False, data={"field": error.field})
    return SocketReply(ok=True, message="Your message is on the wall.")


def handle_piece_start(session: LiveSession, participant: Participant, payload: dict) -> SocketReply:
    try:
        actions.do_start_piece(session, participant, text=_text(payload))
    except actions.DeliberationError as error:
        return SocketReply(
            ok=False, message=error.message, redraw_panel=error.field is None, data={"field": error.field}
        )
    return SocketReply(ok=True, message="Your piece has started. It will now be passed round.")


def handle_piece_add(session: LiveSession, participant: Participant, payload: dict) -> SocketReply:
    try:
        actions.do_add_to_piece(session, participant, piece_id=payload.get("piece"), text=_text(payload))
    except actions.DeliberationError as error:
        return SocketReply(
            ok=False, message=error.message, redraw_panel=error.field is None, data={"field": error.field}
        )
    return SocketReply(ok=True, message="Added. Here is the next piece.")


def handle_piece_skip(session: LiveSession, participant: Participant, payload: dict) -> SocketReply:
    try:
        skip = int(payload.get("piece"))
    except (TypeError, ValueError):
        skip = None
    try:
        actions.do_take_next_piece(session, participant, skip=skip)
    except actions.DeliberationError as error:
        return SocketReply(ok=False, message=error.message)
    return SocketReply(ok=True, message="Passed on.")


def control_section(request, session: LiveSession) -> str:
    statements = access.statements_for_moderation(session)
    accepted = [s for s in statements if s.status == Statement.Status.ACCEPTED]
    merge_forms = {
        s.pk: MergeForm(statements=[o for o in accepted if o.pk != s.pk], auto_id=f"merge-{s.pk}-%s")
        for s in statements
        if s.status in (Statement.Status.ACCEPTED, Statement.Status.PENDING)
    }
    return render_to_string(
        "deliberation/control_section.html",
        {
            "session": session,
            "pending": [
                (s, merge_forms.get(s.pk)) for s in statements if s.status == Statement.Status.PENDING
            ],
            "accepted": [(s, merge_forms.get(s.pk)) for s in accepted],
            "hidden": [s for s in statements if s.status == Statement.Status.HIDDEN],
            "merged": [s for s in statements if s.status == Statement.Status.MERGED],
            "seed_form": SeedStatementForm(),
            "take_home": access.take_home_messages(session),
            "has_statements_phase": access.has_activity(session, Phase.Activity.STATEMENTS),
        },
        request=request,
    )


def session_link(user, session: LiveSession):
    if session.is_finished or (user is not None and can_control_session(user, session)):
        return ("What we found together (outcomes)", reverse("deliberation:outcomes", args=[session.pk]))
    return None


def register() -> None:
    A = Phase.Activity
    activities.register_activity(
        A.STATEMENTS, participant_panel=panels.statements_panel, screen_panel=panels.statements_screen
    )
    activities.register_activity(
        A.COMMON_GROUND,
        participant_panel=panels.common_ground_panel,
        screen_panel=panels.common_ground_screen,
    )
    activities.register_activity(
        A.TAKE_HOME, participant_panel=panels.take_home_panel, screen_panel=panels.take_home_screen
    )
    activities.register_activity(
        A.PASS_IT_ON, participant_panel=panels.pass_it_on_panel, screen_panel=panels.pass_it_on_screen
    )
    activities.register_socket_handler("vote", handle_vote, checks_phase_itself=True)
    activities.register_socket_handler("statement", handle_statement)
    activities.register_socket_handler("take_home", handle_take_home)
    activities.register_socket_handler("piece_start", handle_piece_start)
    activities.register_socket_handler("piece_add", handle_piece_add)
    activities.register_socket_handler("piece_skip", handle_piece_skip)
    activities.register_control_section(control_section)
    activities.register_session_link(session_link)
