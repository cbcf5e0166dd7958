"""HTML for the activity panels (participants), room-screen panels, the live map, the wall and the pieces.

A leaf: every function takes what it shows as arguments, reads nothing from the database and changes
nothing. ``panels.py`` (pages) and ``broadcasting.py`` (websocket messages) gather what to show and
call these. Rendered without a request so the same fragments go over websockets, to polling pages and
into full pages. Forms carry an empty CSRF token when rendered for a websocket; live.js fills it in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.translation import gettext, ngettext

from coproduce.core.errors import ActionError, add_action_error
from coproduce.engine.stability import stability_percent
from coproduce.live.models import LiveSession, Participant, Phase

from .forms import PieceAddForm, PieceStartForm, StatementForm, TakeHomeForm
from .models import OpinionMapSnapshot, Piece, PieceContribution, TakeHomeMessage

if TYPE_CHECKING:
    from .selection import VotingQueue

GROUP_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


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
        % {"needed": needed, "statements": data.get("needs_statements", 2)}
        + " "
        + ngettext("So far %(voters)d person has voted.", "So far %(voters)d people have voted.", voters)
        % {"voters": voters}
    )


def map_context(
    session: LiveSession, snapshot: OpinionMapSnapshot | None, texts: dict[int, str]
) -> dict[str, Any]:
    """What the map shows. ``texts``: the session's accepted statements by id (others drop out)."""
    data = snapshot.data if snapshot is not None else {}

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
            {"x": p[0], "y": p[1], "group": p[2], "letter": GROUP_LETTERS[p[2] % 26]}
            for p in data.get("points", [])
        ],
        "clustered": data.get("clustered", 0),
        "min_group_size": data.get("min_group_size", 3),
        "computed_at": snapshot.computed_at if snapshot is not None else None,
    }


def render_map(
    session: LiveSession,
    snapshot: OpinionMapSnapshot | None,
    texts: dict[int, str],
    *,
    variant: str = "screen",
) -> str:
    context = map_context(session, snapshot, texts)
    context["variant"] = variant
    return render_to_string("deliberation/_map.html", context)


# --- participant panels ---------------------------------------------------------------------------


def _text_form(form_class, text: str, error: ActionError | None):
    """The form showing ``text``, with the action's ``error`` next to its field when there is one."""
    if error is None:
        return form_class(initial={"text": text})
    form = form_class(data={"text": text})
    add_action_error(form, error)
    return form


def _statement_form_html(error: ActionError | None, text: str) -> str:
    """The "add a statement" field. Rendered once and reused when empty: it is the same for everyone,
    and the form machinery is the slowest part of a panel redrawn after every vote."""
    global _EMPTY_STATEMENT_FIELD
    if error is None and not text and _EMPTY_STATEMENT_FIELD is not None:
        return _EMPTY_STATEMENT_FIELD
    html = render_to_string(
        "deliberation/_statement_field.html", {"form": _text_form(StatementForm, text, error)}
    )
    if error is None and not text:
        _EMPTY_STATEMENT_FIELD = html
    return html


_EMPTY_STATEMENT_FIELD: str | None = None


def render_statements_panel(
    session: LiveSession,
    phase: Phase,
    participant: Participant,
    csrf_token: str = "",
    *,
    queue: VotingQueue,
    error: ActionError | None = None,
    text: str = "",
) -> str:
    """Vote on ``queue.statement`` (one at a time), and write a statement."""
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
            "statement_field": _statement_form_html(error, text),
            "moderated": session.moderation == LiveSession.Moderation.FACILITATOR,
        },
    )


def render_common_ground_panel(session: LiveSession, phase: Phase, *, map_html: str) -> str:
    return render_to_string(
        "deliberation/panels/common_ground.html",
        {"session": session, "phase": phase, "map_html": map_html},
    )


def render_take_home_panel(
    session: LiveSession,
    phase: Phase,
    csrf_token: str = "",
    *,
    mine: TakeHomeMessage | None,
    summary: dict[str, Any],
    error: ActionError | None = None,
    text: str | None = None,
) -> str:
    """Leave (or change) ``mine``; ``summary`` is the map's context (common ground found)."""
    shown = text if text is not None else (mine.text if mine else "")
    return render_to_string(
        "deliberation/panels/take_home.html",
        {
            "session": session,
            "phase": phase,
            "csrf_token": csrf_token,
            "form": _text_form(TakeHomeForm, shown, error),
            "mine": mine,
            "summary": summary,
        },
    )


def render_pass_it_on_panel(
    session: LiveSession,
    phase: Phase,
    csrf_token: str = "",
    *,
    started: Piece | None,
    piece: Piece | None,
    contributions: list[PieceContribution],
    added: int,
    error: ActionError | None = None,
    text: str = "",
) -> str:
    """Start a piece (until ``started``), then add to ``piece``, the one passed to this person."""
    form_class = PieceAddForm if started is not None else PieceStartForm
    return render_to_string(
        "deliberation/panels/pass_it_on.html",
        {
            "session": session,
            "phase": phase,
            "csrf_token": csrf_token,
            "form": _text_form(form_class, text, error),
            "started": started,
            "piece": piece,
            "contributions": contributions,
            "added": added,
        },
    )


# --- room-screen panels ---------------------------------------------------------------------------


def render_statements_screen(session: LiveSession, phase: Phase, *, map_html: str) -> str:
    return render_to_string(
        "deliberation/screen/statements.html", {"session": session, "phase": phase, "map_html": map_html}
    )


def render_common_ground_screen(session: LiveSession, phase: Phase, *, map_html: str) -> str:
    return render_to_string(
        "deliberation/screen/common_ground.html", {"session": session, "phase": phase, "map_html": map_html}
    )


def render_take_home_screen(
    session: LiveSession, phase: Phase, *, wall_html: str, summary: dict[str, Any]
) -> str:
    return render_to_string(
        "deliberation/screen/take_home.html",
        {"session": session, "phase": phase, "wall_html": wall_html, "summary": summary},
    )


def render_pass_it_on_screen(session: LiveSession, phase: Phase, *, pieces_html: str) -> str:
    return render_to_string(
        "deliberation/screen/pass_it_on.html",
        {"session": session, "phase": phase, "pieces_html": pieces_html},
    )


def render_wall(messages: list[TakeHomeMessage]) -> str:
    return render_to_string("deliberation/_wall.html", {"messages_on_wall": messages})


def render_pieces(items: list[dict[str, Any]]) -> str:
    """``items``: as ``access.pieces_of`` gives them."""
    return render_to_string(
        "deliberation/_pieces.html",
        {
            "pieces": items,
            "complete": [i for i in items if i["complete"]],
            "in_progress": sum(1 for i in items if not i["complete"]),
        },
    )
