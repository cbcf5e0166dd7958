"""Reads of a session's statements, votes, wall and pieces, for pages and messages.

The session itself is always reached first through ``live.access`` (which applies who may see or
control it). Everything here reads within that session: a thing named by id that is not in it is
"not found" (404), so nobody learns that it exists elsewhere.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import Http404

from coproduce.live.models import LiveSession, Participant, Phase

from .models import Piece, PieceContribution, Statement, TakeHomeMessage, Vote

# --- things named by id ---------------------------------------------------------------------------


def access_statement_by_id(session: LiveSession, statement_id) -> Statement:
    """A statement of this session, or 404."""
    try:
        return Statement.objects.get(pk=statement_id, session=session)
    except (Statement.DoesNotExist, ValueError, TypeError):
        raise Http404("No such statement.") from None


def statement_to_keep(session: LiveSession, statement_id) -> Statement | None:
    """The statement of this session a duplicate is to be merged into, or None if none was chosen."""
    try:
        return Statement.objects.filter(session=session, pk=statement_id or 0).first()
    except (ValueError, TypeError):
        return None


def access_take_home_message_by_id(session: LiveSession, message_id) -> TakeHomeMessage:
    """A take-home message of this session, or 404."""
    try:
        return TakeHomeMessage.objects.get(pk=message_id, session=session)
    except (TakeHomeMessage.DoesNotExist, ValueError, TypeError):
        raise Http404("No such message.") from None


# --- statements and votes ---------------------------------------------------------------------------


def accepted_statement_texts(session_id: int) -> dict[int, str]:
    """The texts the map shows, by statement id: accepted statements only, so a statement hidden after
    the map was computed drops out of it at once."""
    return dict(
        Statement.objects.filter(session_id=session_id, status=Statement.Status.ACCEPTED).values_list(
            "id", "text"
        )
    )


def my_votes(participant: Participant) -> list[dict[str, Any]]:
    """The participant's own votes on statements still accepted, latest first. Only for that person."""
    votes = (
        Vote.objects.filter(participant=participant, statement__status=Statement.Status.ACCEPTED)
        .select_related("statement")
        .order_by("-updated_at")
    )
    return [{"statement": v.statement, "value": v.value, "label": Vote.Value(v.value).label} for v in votes]


def statements_for_moderation(session: LiveSession) -> list[Statement]:
    return list(Statement.objects.filter(session=session).order_by("created_at", "id"))


# --- the take-home wall ------------------------------------------------------------------------------


def take_home_message_of(phase: Phase, participant: Participant) -> TakeHomeMessage | None:
    return TakeHomeMessage.objects.filter(phase=phase, participant=participant).first()


def wall_messages(session: LiveSession | int) -> list[TakeHomeMessage]:
    """The messages on the wall (not hidden), oldest first."""
    return list(TakeHomeMessage.objects.filter(session=session, is_hidden=False).order_by("created_at", "id"))


def take_home_messages(session: LiveSession) -> list[TakeHomeMessage]:
    """Every message, hidden ones too: for facilitators."""
    return list(TakeHomeMessage.objects.filter(session=session).order_by("created_at", "id"))


# --- pass it on -----------------------------------------------------------------------------------------


def pieces_of(session: LiveSession | int, phase: Phase | None = None) -> list[dict[str, Any]]:
    """Each piece (of ``phase``, or of the whole session) with its lines in order, whether it is complete
    and how many additions it has."""
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


def piece_started_by(phase: Phase, participant: Participant) -> Piece | None:
    return Piece.objects.filter(phase=phase, started_by=participant).first()


def pieces_added_to(phase: Phase, participant: Participant) -> int:
    """How many pieces of others this participant has added a line to."""
    return (
        Piece.objects.filter(phase=phase, contributions__participant=participant)
        .exclude(started_by=participant)
        .count()
    )


def lines_of(piece: Piece | None) -> list[PieceContribution]:
    return list(piece.contributions.order_by("position")) if piece is not None else []


# --- the session as a whole --------------------------------------------------------------------------


def has_activity(session: LiveSession, activity: str) -> bool:
    return session.phases.filter(activity=activity).exists()


def outcome_facts(session: LiveSession) -> dict[str, Any]:
    """What the outcomes page says about the session besides the map: its phases and how many took part."""
    return {
        "phases": list(session.phases.order_by("position")),
        "people": session.participants.count(),
        "has_pieces": has_activity(session, Phase.Activity.PASS_IT_ON),
    }
