"""Plain-POST versions of everything participants do over the websocket, moderation for facilitators,
the map's text version, and the outcomes page with its exports."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from coproduce.live.access import (
    access_controlled_session_by_id,
    access_exports_by_id,
    access_outcomes_by_id,
    access_participation_by_id,
    access_session_as_viewer_by_id,
)
from coproduce.live.views import render_participant_page

from . import access, actions, exports, panels, rendering
from .map_refresh import current_map
from .plugin import statement_thanks


def _back(session) -> HttpResponse:
    return redirect("live:participant", session_id=session.pk)


def _panel_with_error(
    request, session, participant, error: actions.DeliberationError, text: str, render_panel
):
    """Show the participant's page again with the message next to the field and their text kept."""
    phase = session.current_phase
    if phase is None or error.field != "text":
        messages.error(request, error.message)
        return _back(session)
    html = render_panel(session, phase, participant, get_token(request), error=error, text=text)
    return render_participant_page(request, session, participant, html)


# --- participants -----------------------------------------------------------------------------------


@require_POST
def submit_statement(request: HttpRequest, session_id: int) -> HttpResponse:
    session, participant = access_participation_by_id(request, session_id)
    text = request.POST.get("text", "")
    try:
        statement = actions.do_submit_statement(session, participant, text=text)
    except actions.DeliberationError as error:
        return _panel_with_error(request, session, participant, error, text, panels.statements_panel)
    messages.success(request, statement_thanks(statement))
    return _back(session)


@require_POST
def vote(request: HttpRequest, session_id: int) -> HttpResponse:
    session, participant = access_participation_by_id(request, session_id)
    try:
        actions.do_cast_vote(
            session, participant, statement_id=request.POST.get("statement"), value=request.POST.get("value")
        )
    except actions.DeliberationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Vote saved.")
    if request.POST.get("back") == "mine":
        return redirect("deliberation:my_votes", session_id=session.pk)
    return _back(session)


@never_cache
def my_votes(request: HttpRequest, session_id: int) -> HttpResponse:
    """A participant's own votes, to look back on or change. Nobody else can see them."""
    session, participant = access_participation_by_id(request, session_id)
    return render(
        request, "deliberation/my_votes.html", {"session": session, "votes": access.my_votes(participant)}
    )


@require_POST
def take_home(request: HttpRequest, session_id: int) -> HttpResponse:
    session, participant = access_participation_by_id(request, session_id)
    text = request.POST.get("text", "")
    try:
        actions.do_leave_take_home_message(session, participant, text=text)
    except actions.DeliberationError as error:
        return _panel_with_error(request, session, participant, error, text, panels.take_home_panel)
    messages.success(request, "Your message is on the wall.")
    return _back(session)


@require_POST
def piece(request: HttpRequest, session_id: int) -> HttpResponse:
    session, participant = access_participation_by_id(request, session_id)
    what = request.POST.get("what", "")
    text = request.POST.get("text", "")
    try:
        if what == "start":
            actions.do_start_piece(session, participant, text=text)
            messages.success(request, "Your piece has started. It will now be passed round.")
        elif what == "add":
            actions.do_add_to_piece(session, participant, piece_id=request.POST.get("piece"), text=text)
            messages.success(request, "Added. Here is the next piece.")
        elif what == "skip":
            try:
                skip = int(request.POST.get("piece", ""))
            except ValueError:
                skip = None
            actions.do_take_next_piece(session, participant, skip=skip)
            messages.success(request, "Passed on.")
        else:
            messages.error(request, "That is not something you can do with a piece.")
    except actions.DeliberationError as error:
        return _panel_with_error(request, session, participant, error, text, panels.pass_it_on_panel)
    return _back(session)


# --- the map ----------------------------------------------------------------------------------------


@never_cache
@require_GET
def map_fragment(request: HttpRequest, session_id: int) -> HttpResponse:
    """The live map alone, for room screens that poll because websockets are blocked."""
    session, participant, controls = access_session_as_viewer_by_id(request, session_id)
    variant = "screen" if controls and request.GET.get("variant") != "participant" else "participant"
    return HttpResponse(panels.map_html(session, variant=variant))


@never_cache
def map_text(request: HttpRequest, session_id: int) -> HttpResponse:
    """The live map as plain text and tables: for screen readers, and for reading at your own pace."""
    session, participant, controls = access_session_as_viewer_by_id(request, session_id)
    context = panels.map_summary(session)
    context["statement_rows"] = exports.statement_rows(session)
    context["participant"] = participant
    return render(request, "deliberation/map_text.html", context)


# --- facilitators -------------------------------------------------------------------------------------


def _to_control(session) -> HttpResponse:
    response = redirect("live:control", session_id=session.pk)
    response["Location"] += "#statements-title"
    return response


@require_POST
def moderate(request: HttpRequest, session_id: int, statement_id: int) -> HttpResponse:
    session = access_controlled_session_by_id(request.user, session_id)
    statement = access.access_statement_by_id(session, statement_id)
    decision = request.POST.get("decision", "")
    try:
        if decision == "merge":
            into = access.statement_to_keep(session, request.POST.get("into"))
            if into is None:
                raise actions.DeliberationError("Choose the statement to keep.")
            actions.do_merge_statements(statement, into=into, acting_user=request.user)
            messages.success(request, "Merged. Votes on the duplicate now count for the statement kept.")
        else:
            actions.do_moderate_statement(statement, decision=decision, acting_user=request.user)
            messages.success(request, "Statement accepted." if decision == "accept" else "Statement hidden.")
    except actions.DeliberationError as error:
        messages.error(request, error.message)
    return _to_control(session)


@require_POST
def seed_statement(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access_controlled_session_by_id(request.user, session_id)
    try:
        actions.do_add_seed_statement(session, text=request.POST.get("text", ""), acting_user=request.user)
    except actions.DeliberationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Statement added.")
    return _to_control(session)


@require_POST
def take_home_visibility(request: HttpRequest, session_id: int, message_id: int) -> HttpResponse:
    session = access_controlled_session_by_id(request.user, session_id)
    message = access.access_take_home_message_by_id(session, message_id)
    hidden = request.POST.get("what") == "hide"
    actions.do_set_take_home_hidden(message, hidden=hidden, acting_user=request.user)
    messages.success(request, "Message hidden from the wall." if hidden else "Message back on the wall.")
    return _to_control(session)


# --- outcomes -----------------------------------------------------------------------------------------


def outcomes(request: HttpRequest, session_id: int) -> HttpResponse:
    session, participant = access_outcomes_by_id(request, session_id)
    snapshot = current_map(session, max_age=0, with_stability=True)
    context = rendering.map_context(session, snapshot, access.accepted_statement_texts(session.pk))
    context.update(
        {
            "participant": participant,
            **access.outcome_facts(session),
            "wall": access.wall_messages(session),
            "pieces": access.pieces_of(session),
            "statement_rows": exports.statement_rows(session),
            "can_export": exports.can_export(request.user, session),
        }
    )
    return render(request, "deliberation/outcomes.html", context)


@require_GET
def export(request: HttpRequest, session_id: int, name: str) -> HttpResponse:
    session = access_exports_by_id(request.user, session_id)
    return exports.download(session, name)
