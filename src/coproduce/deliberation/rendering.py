"""HTML for the activity panels (participants), room-screen panels, the live map, the wall and the pieces.

Rendered without a request so the same fragments go over websockets, to polling pages and into full
pages. Forms carry an empty CSRF token when rendered for a websocket; live.js fills it in.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils.translation import gettext, ngettext

from coproduce.engine.stability import stability_percent
from coproduce.live.models import LiveSession, Participant, Phase

from .forms import PieceAddForm, PieceStartForm, StatementForm, TakeHomeForm, bound_with_error
from .models import OpinionMapSnapshot, Piece, Statement, TakeHomeMessage, Vote
from .opinion_maps import MIN_STATEMENTS
from .selection import next_statement

VOTE_LABELS = {1: "Agree", -1: "Disagree", 0: "Pass"}


# --- the live map ---------------------------------------------------------------------------------


def _stability_words(stability: float | None) -> str:
    if stability is None:
        return ""
    if stability >= 0.9:
        return "The groups have settled."
    if stability >= 0.7:
        return "The groups are settling."
    return "The groups are still changing as people vote."


def _waiting_message(data: dict[str, Any]) -> str:
    """Why there is no map yet, in plain words."""
    needed, voters = data.get("needs_voters"), data.get("voters", 0)
    if not needed:
        return data.get("message") or gettext("The map appears once people start voting.")
    return (
        gettext(
            "The map of groups appears once at least %(needed)d people have voted on %(statements)d or "
            "more statements. With fewer, a group could be so small that it shows how someone voted."
        )
        % {"needed": needed, "statements": MIN_STATEMENTS}
        + " "
        + ngettext("So far %(voters)d person has voted.", "So far %(voters)d people have voted.", voters)
        % {"voters": voters}
    )


def map_context(session: LiveSession, snapshot: OpinionMapSnapshot | None) -> dict[str, Any]:
    data = snapshot.data if snapshot is not None else {}
    texts = dict(
        Statement.objects.filter(session=session, status=Statement.Status.ACCEPTED).values_list("id", "text")
    )

    def with_text(items):
        return [{**item, "text": texts[item["id"]]} for item in items or [] if item.get("id") in texts]

    groups = [{**g, "believes": with_text(g.get("believes"))} for g in data.get("groups", [])]
    stability = data.get("stability")
    return {
        "session": session,
        "ready": bool(data.get("ready")),
        "message": _waiting_message(data),
        "votes": data.get("votes", 0),
        "voters": data.get("voters", 0),
        "statements": data.get("statements", 0),
        "groups": groups,
        "consensus": with_text(data.get("consensus")),
        "group_informed": with_text(data.get("group_informed")),
        "bridging": with_text(data.get("bridging")),
        "stability_percent": stability_percent(stability),
        "stability_words": _stability_words(stability),
        "points": [
            {"x": p[0], "y": p[1], "group": p[2], "letter": "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[p[2] % 26]}
            for p in data.get("points", [])
        ],
        "clustered": data.get("clustered", 0),
        "min_group_size": data.get("min_group_size", 3),
        "computed_at": snapshot.computed_at if snapshot is not None else None,
    }


def render_map_for_session(
    session: LiveSession, snapshot: OpinionMapSnapshot | None, *, variant: str = "screen"
) -> str:
    context = map_context(session, snapshot)
    context["variant"] = variant
    return render_to_string("deliberation/_map.html", context)


def _current_map(session: LiveSession):
    from .map_refresh import current_map

    return current_map(session)


# --- participant panels ---------------------------------------------------------------------------


def _statement_form_html(errors: dict[str, str] | None, text: str) -> str:
    """The "add a statement" field. Rendered once and reused when empty: it is the same for everyone,
    and the form machinery is the slowest part of a panel redrawn after every vote."""
    global _EMPTY_STATEMENT_FIELD
    if not errors and not text and _EMPTY_STATEMENT_FIELD is not None:
        return _EMPTY_STATEMENT_FIELD
    form = StatementForm(initial={"text": text})
    if errors and errors.get("text"):
        form = bound_with_error(StatementForm, text, errors["text"])
    html = render_to_string("deliberation/_statement_field.html", {"form": form})
    if not errors and not text:
        _EMPTY_STATEMENT_FIELD = html
    return html


_EMPTY_STATEMENT_FIELD: str | None = None


def render_statements_panel(
    session: LiveSession,
    phase: Phase,
    participant: Participant,
    csrf_token: str = "",
    *,
    errors: dict[str, str] | None = None,
    text: str = "",
) -> str:
    from .map_process import warm_up

    warm_up()  # the map's helper process, ready before the first votes come in
    queue = next_statement(participant)
    return render_to_string(
        "deliberation/panels/statements.html",
        {
            "session": session,
            "phase": phase,
            "participant": participant,
            "csrf_token": csrf_token,
            "statement": queue.statement,
            "voted": queue.voted,
            "total": queue.total,
            "statement_field": _statement_form_html(errors, text),
            "vote_error": (errors or {}).get("vote", ""),
            "moderated": session.moderation == LiveSession.Moderation.FACILITATOR,
        },
    )


def my_votes(participant: Participant) -> list[dict[str, Any]]:
    votes = (
        Vote.objects.filter(participant=participant, statement__status=Statement.Status.ACCEPTED)
        .select_related("statement")
        .order_by("-updated_at")
    )
    return [{"statement": v.statement, "value": v.value, "label": VOTE_LABELS[v.value]} for v in votes]


def render_common_ground_panel(
    session: LiveSession, phase: Phase, participant: Participant, csrf_token: str = ""
) -> str:
    return render_to_string(
        "deliberation/panels/common_ground.html",
        {
            "session": session,
            "phase": phase,
            "map_html": render_map_for_session(session, _current_map(session), variant="participant"),
        },
    )


def render_take_home_panel(
    session: LiveSession,
    phase: Phase,
    participant: Participant,
    csrf_token: str = "",
    *,
    errors: dict[str, str] | None = None,
    text: str | None = None,
) -> str:
    mine = TakeHomeMessage.objects.filter(phase=phase, participant=participant).first()
    form = TakeHomeForm(initial={"text": text if text is not None else (mine.text if mine else "")})
    if errors and errors.get("text"):
        form = bound_with_error(TakeHomeForm, text or "", errors["text"])
    snapshot = _current_map(session)
    return render_to_string(
        "deliberation/panels/take_home.html",
        {
            "session": session,
            "phase": phase,
            "csrf_token": csrf_token,
            "form": form,
            "mine": mine,
            "summary": map_context(session, snapshot),
        },
    )


def render_pass_it_on_panel(
    session: LiveSession,
    phase: Phase,
    participant: Participant,
    csrf_token: str = "",
    *,
    errors: dict[str, str] | None = None,
    text: str = "",
    skip: int | None = None,
) -> str:
    from .actions import DeliberationError, do_take_next_piece

    started = Piece.objects.filter(phase=phase, started_by=participant).first()
    piece = None
    if started is not None:
        try:
            piece = do_take_next_piece(session, participant, skip=skip)
        except DeliberationError:
            piece = None
    form_class = PieceAddForm if started is not None else PieceStartForm
    form = form_class(initial={"text": text})
    if errors and errors.get("text"):
        form = bound_with_error(form_class, text, errors["text"])
    added = (
        Piece.objects.filter(phase=phase, contributions__participant=participant)
        .exclude(started_by=participant)
        .count()
    )
    return render_to_string(
        "deliberation/panels/pass_it_on.html",
        {
            "session": session,
            "phase": phase,
            "csrf_token": csrf_token,
            "form": form,
            "started": started,
            "piece": piece,
            "contributions": list(piece.contributions.order_by("position")) if piece else [],
            "added": added,
            "error": (errors or {}).get("piece", ""),
        },
    )


# --- room-screen panels ---------------------------------------------------------------------------


def render_statements_screen(session: LiveSession, phase: Phase) -> str:
    return render_to_string(
        "deliberation/screen/statements.html",
        {
            "session": session,
            "phase": phase,
            "map_html": render_map_for_session(session, _current_map(session)),
        },
    )


def render_common_ground_screen(session: LiveSession, phase: Phase) -> str:
    return render_to_string(
        "deliberation/screen/common_ground.html",
        {
            "session": session,
            "phase": phase,
            "map_html": render_map_for_session(session, _current_map(session)),
        },
    )


def render_take_home_screen(session: LiveSession, phase: Phase) -> str:
    return render_to_string(
        "deliberation/screen/take_home.html",
        {
            "session": session,
            "phase": phase,
            "wall_html": render_wall(session),
            "summary": map_context(session, _current_map(session)),
        },
    )


def render_pass_it_on_screen(session: LiveSession, phase: Phase) -> str:
    return render_to_string(
        "deliberation/screen/pass_it_on.html",
        {
            "session": session,
            "phase": phase,
            "pieces_html": render_pieces(session),
        },
    )


def wall_messages(session: LiveSession) -> list[TakeHomeMessage]:
    return list(TakeHomeMessage.objects.filter(session=session, is_hidden=False).order_by("created_at", "id"))


def render_wall(session: LiveSession) -> str:
    return render_to_string("deliberation/_wall.html", {"messages_on_wall": wall_messages(session)})


def pieces_of(session: LiveSession, phase: Phase | None = None) -> list[dict[str, Any]]:
    pieces = Piece.objects.filter(session=session)
    if phase is not None:
        pieces = pieces.filter(phase=phase)
    pieces = pieces.select_related("phase").annotate(n=Count("contributions")).order_by("created_at", "id")
    result = []
    for piece in pieces.prefetch_related("contributions"):
        lines = [c.text for c in sorted(piece.contributions.all(), key=lambda c: c.position)]
        result.append(
            {
                "piece": piece,
                "lines": lines,
                "complete": len(lines) >= piece.phase.additions_per_piece + 1,
                "additions": len(lines) - 1,
            }
        )
    return result


def render_pieces(session: LiveSession) -> str:
    phase = (
        session.current_phase
        if session.current_phase and session.current_phase.activity == Phase.Activity.PASS_IT_ON
        else None
    )
    items = pieces_of(session, phase)
    return render_to_string(
        "deliberation/_pieces.html",
        {
            "pieces": items,
            "complete": [i for i in items if i["complete"]],
            "in_progress": sum(1 for i in items if not i["complete"]),
        },
    )
