"""Every change to statements, votes, take-home messages and pass-it-on pieces goes through here.

Participants act through a ``Participant`` of the session (no account needed); facilitators through
their user. Each action checks that the session is at a phase where the thing can be done, so a page
showing an old phase gets a clear message instead of changing the wrong thing.

Votes are not written to the audit trail: a vote row is its own record (with created and updated
times), votes are private, and a row per vote in the audit trail would make every vote two writes.

Each action announces what changed (``core.happenings``: ``statement_submitted``, ``vote_cast``...)
and nothing more: telling open pages is ``broadcasting.py``'s job, keeping the map fresh
``map_refresh.py``'s, both subscribed after commit.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from coproduce.core import happenings
from coproduce.core.audit import record
from coproduce.core.errors import ActionError
from coproduce.live.models import LiveSession, Participant, Phase

from .models import (
    MESSAGE_MAX,
    STATEMENT_MAX,
    Piece,
    PieceContribution,
    Statement,
    TakeHomeMessage,
    Vote,
)

PIECE_HOLD = timedelta(minutes=3)
VOTE_VALUES = {"agree": 1, "disagree": -1, "pass": 0, 1: 1, -1: -1, 0: 0, "1": 1, "-1": -1, "0": 0}


class DeliberationError(ActionError):
    """A contribution that cannot be accepted (message and field: see ActionError)."""


def _normalise(text: str) -> str:
    return " ".join((text or "").split())


def clean_text(text: str, *, empty: str, limit: int, what: str) -> str:
    cleaned = _normalise(text)
    if not cleaned:
        raise DeliberationError(empty, field="text")
    if len(cleaned) > limit:
        raise DeliberationError(
            f"Please keep your {what} to {limit} characters or fewer. Yours has {len(cleaned)}.", field="text"
        )
    return cleaned


def _require_phase(session: LiveSession, participant: Participant | None, activity: str, thing: str) -> Phase:
    """The current phase, if it is for ``activity``; otherwise a message saying where the session is."""
    if participant is not None and participant.session_id != session.pk:
        raise DeliberationError("You are not taking part in this session.")
    if session.is_ready:
        raise DeliberationError(f"The session has not started yet, so your {thing} was not saved.")
    if session.is_finished:
        raise DeliberationError(f"This session has finished, so your {thing} was not saved.")
    phase = session.current_phase
    if phase is None or phase.activity != activity:
        title = phase.title if phase else "the next part"
        raise DeliberationError(
            f"That part of the session is over: we are now on \u201c{title}\u201d. "
            f"Your {thing} was not saved."
        )
    return phase


# --- statements -----------------------------------------------------------------------------------


def _check_not_duplicate(session: LiveSession, text: str, *, other_than: int | None = None) -> None:
    if (
        Statement.objects.filter(
            session=session,
            text__iexact=text,
            status__in=[Statement.Status.ACCEPTED, Statement.Status.PENDING],
        )
        .exclude(pk=other_than)
        .exists()
    ):
        raise DeliberationError(
            "That statement is already here, so you can vote on it instead.", field="text"
        )


@transaction.atomic
def do_submit_statement(session: LiveSession, participant: Participant, *, text: str) -> Statement:
    """A participant's statement: shown at once, or after a facilitator accepts it (per the session)."""
    _require_phase(session, participant, Phase.Activity.STATEMENTS, "statement")
    text = clean_text(
        text, empty="Please write your statement before sending it.", limit=STATEMENT_MAX, what="statement"
    )
    _check_not_duplicate(session, text)
    automatic = session.moderation == LiveSession.Moderation.AUTOMATIC
    statement = Statement.objects.create(
        session=session,
        author=participant,
        text=text,
        status=Statement.Status.ACCEPTED if automatic else Statement.Status.PENDING,
    )
    record(
        "statement.submitted",
        statement,
        acting_user=participant.person,
        session_id=session.pk,
        participant_id=participant.pk,
        status=statement.status,
    )
    happenings.statement_submitted.announce(statement=statement)
    return statement


@transaction.atomic
def do_add_seed_statement(session: LiveSession, *, text: str, acting_user) -> Statement:
    """A facilitator's statement to start the conversation; accepted straight away."""
    if session.is_finished:
        raise DeliberationError("This session has finished, so no statements can be added.")
    text = clean_text(
        text, empty="Please write the statement before adding it.", limit=STATEMENT_MAX, what="statement"
    )
    _check_not_duplicate(session, text)
    statement = Statement.objects.create(
        session=session, text=text, is_seed=True, status=Statement.Status.ACCEPTED
    )
    record("statement.seeded", statement, acting_user=acting_user, session_id=session.pk)
    happenings.statement_submitted.announce(statement=statement)
    return statement


@transaction.atomic
def do_moderate_statement(statement: Statement, *, decision: str, acting_user) -> Statement:
    """Accept or hide a statement. Hidden statements leave the voting queue and the map."""
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.status == Statement.Status.MERGED:
        raise DeliberationError("This statement was merged into another one, so it cannot be changed.")
    targets = {"accept": Statement.Status.ACCEPTED, "hide": Statement.Status.HIDDEN}
    if decision not in targets:
        raise DeliberationError("Choose to accept or to hide the statement.")
    if statement.status == targets[decision]:
        raise DeliberationError(f"This statement is already {statement.get_status_display().lower()}.")
    if decision == "accept":
        _check_not_duplicate(statement.session, statement.text, other_than=statement.pk)
    previous = statement.status
    statement.status = targets[decision]
    statement.updated_at = timezone.now()
    statement.save(update_fields=["status", "updated_at"])
    record(
        f"statement.{'accepted' if decision == 'accept' else 'hidden'}",
        statement,
        acting_user=acting_user,
        session_id=statement.session_id,
        previous=previous,
    )
    happenings.statement_moderated.announce(statement=statement)
    return statement


@transaction.atomic
def do_merge_statements(duplicate: Statement, *, into: Statement, acting_user) -> Statement:
    """Merge a duplicate into the statement it repeats.

    Votes on the duplicate move to the kept statement for everyone who had not voted on that one yet;
    where someone voted on both, their vote on the kept statement stands.
    """
    if duplicate.pk == into.pk:
        raise DeliberationError("Choose a different statement to merge into.", field="into")
    if duplicate.session_id != into.session_id:
        raise DeliberationError("Both statements must be in the same session.", field="into")
    duplicate = Statement.objects.select_for_update().get(pk=duplicate.pk)
    into = Statement.objects.select_for_update().get(pk=into.pk)
    if duplicate.status == Statement.Status.MERGED:
        raise DeliberationError("This statement has already been merged.")
    if into.status != Statement.Status.ACCEPTED:
        raise DeliberationError("You can only merge into an accepted statement.", field="into")
    now = timezone.now()
    already = Vote.objects.filter(statement=into).values_list("participant_id", flat=True)
    moved = (
        Vote.objects.filter(statement=duplicate)
        .exclude(participant_id__in=list(already))
        .update(statement=into, updated_at=now)
    )
    Statement.objects.filter(merged_into=duplicate).update(merged_into=into, updated_at=now)
    duplicate.status = Statement.Status.MERGED
    duplicate.merged_into = into
    duplicate.updated_at = now
    duplicate.save(update_fields=["status", "merged_into", "updated_at"])
    record(
        "statement.merged",
        duplicate,
        acting_user=acting_user,
        session_id=duplicate.session_id,
        into_id=into.pk,
        votes_moved=moved,
    )
    happenings.statement_moderated.announce(statement=duplicate)
    return duplicate


# --- votes ----------------------------------------------------------------------------------------


def parse_vote_value(value) -> int:
    try:
        return VOTE_VALUES[value]
    except (KeyError, TypeError):
        raise DeliberationError("Choose agree, disagree or pass.", field="value") from None


def _vote_upsert_sql() -> str:
    vote, statement = Vote._meta.db_table, Statement._meta.db_table
    session, phase = LiveSession._meta.db_table, Phase._meta.db_table
    return (
        f"INSERT INTO {vote} (statement_id, participant_id, session_id, value, created_at, updated_at) "
        f"SELECT s.id, %s, s.session_id, %s, %s, %s FROM {statement} s "
        f"JOIN {session} ls ON ls.id = s.session_id JOIN {phase} ph ON ph.id = ls.current_phase_id "
        f"WHERE s.id = %s AND s.session_id = %s AND s.status = %s AND ls.status = %s AND ph.activity = %s "
        "ON CONFLICT (statement_id, participant_id) DO UPDATE SET value = excluded.value, "
        "updated_at = excluded.updated_at RETURNING statement_id"
    )


def do_cast_vote(session: LiveSession, participant: Participant, *, statement_id, value) -> Vote:
    """Record (or change) a participant's vote on one statement of their session.

    The vote is one SQL statement, ``INSERT ... SELECT ... ON CONFLICT DO UPDATE``: it is stored only if the
    session is at a statements phase and the statement is in it and accepted; a vote sent twice cannot
    fail or be stored twice; and it commits in one round trip to the database (this runs for every vote
    of a crowded room). ``session`` is used for its id: its status is checked in that same statement.
    Only when nothing was stored are the session and statement read, to say why.
    """
    if participant.session_id != session.pk:
        raise DeliberationError("You are not taking part in this session.")
    numeric = parse_vote_value(value)
    try:
        statement_id = int(statement_id)
    except (ValueError, TypeError):
        statement_id = None
    if statement_id is not None:
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                _vote_upsert_sql(),
                [
                    participant.pk,
                    numeric,
                    now,
                    now,
                    statement_id,
                    session.pk,
                    Statement.Status.ACCEPTED,
                    LiveSession.Status.LIVE,
                    Phase.Activity.STATEMENTS,
                ],
            )
            stored = cursor.fetchone()
        if stored is not None:
            happenings.vote_cast.announce(session_id=session.pk, statement_id=statement_id)
            return Vote(
                statement_id=statement_id, participant_id=participant.pk, session_id=session.pk, value=numeric
            )
    fresh = LiveSession.objects.select_related("current_phase").get(pk=session.pk)
    _require_phase(fresh, participant, Phase.Activity.STATEMENTS, "vote")
    status = Statement.objects.filter(pk=statement_id, session=fresh).values_list("status", flat=True).first()
    if status is None:
        raise DeliberationError("We could not find that statement in this session.")
    if status == Statement.Status.MERGED:
        raise DeliberationError(
            "That statement was merged with a similar one, which you will be shown instead."
        )
    raise DeliberationError("A facilitator has taken that statement off the list, so it cannot be voted on.")


# --- take-home messages ---------------------------------------------------------------------------


@transaction.atomic
def do_leave_take_home_message(
    session: LiveSession, participant: Participant, *, text: str
) -> TakeHomeMessage:
    """One message per person for the wall; sending again replaces it."""
    phase = _require_phase(session, participant, Phase.Activity.TAKE_HOME, "message")
    text = clean_text(
        text, empty="Please write your message before sending it.", limit=MESSAGE_MAX, what="message"
    )
    now = timezone.now()
    message, created = TakeHomeMessage.objects.update_or_create(
        phase=phase,
        participant=participant,
        defaults={"text": text, "updated_at": now, "session": session},
        create_defaults={"text": text, "updated_at": now, "created_at": now, "session": session},
    )
    record(
        "take_home.left" if created else "take_home.changed",
        message,
        acting_user=participant.person,
        session_id=session.pk,
        participant_id=participant.pk,
    )
    happenings.take_home_left.announce(message=message)
    return message


@transaction.atomic
def do_set_take_home_hidden(message: TakeHomeMessage, *, hidden: bool, acting_user) -> TakeHomeMessage:
    message.is_hidden = hidden
    message.save(update_fields=["is_hidden"])
    record(
        "take_home.hidden" if hidden else "take_home.shown",
        message,
        acting_user=acting_user,
        session_id=message.session_id,
    )
    happenings.take_home_moderated.announce(message=message)
    return message


# --- pass it on -----------------------------------------------------------------------------------


@transaction.atomic
def do_start_piece(session: LiveSession, participant: Participant, *, text: str) -> Piece:
    phase = _require_phase(session, participant, Phase.Activity.PASS_IT_ON, "piece")
    text = clean_text(
        text, empty="Please write the start of your piece before sending it.", limit=MESSAGE_MAX, what="piece"
    )
    if Piece.objects.filter(phase=phase, started_by=participant).exists():
        raise DeliberationError("You have already started a piece. Now add to the pieces passed to you.")
    try:
        with transaction.atomic():
            piece = Piece.objects.create(session=session, phase=phase, started_by=participant)
    except IntegrityError:
        raise DeliberationError(
            "You have already started a piece. Now add to the pieces passed to you."
        ) from None
    PieceContribution.objects.create(piece=piece, participant=participant, position=0, text=text)
    record(
        "piece.started",
        piece,
        acting_user=participant.person,
        session_id=session.pk,
        participant_id=participant.pk,
    )
    happenings.piece_changed.announce(piece=piece)
    return piece


def pieces_needing_additions(phase: Phase):
    """Pieces of the phase with fewer additions than the phase asks for (the start is not an addition)."""
    return (
        Piece.objects.filter(phase=phase)
        .annotate(n=Count("contributions"))
        .filter(n__lt=phase.additions_per_piece + 1)
    )


@transaction.atomic
def do_take_next_piece(
    session: LiveSession, participant: Participant, *, skip: int | None = None
) -> Piece | None:
    """Claim the piece passed to this participant: one they hold already, or the one most in need of
    additions (None when there is none for them now).

    Holding a piece for a few minutes stops two people adding to it at once; the hold lapses if they
    leave. Pass ``skip`` to be passed a different piece. The pass-it-on panel calls this before it is
    drawn, and draws the piece claimed.
    """
    phase = _require_phase(session, participant, Phase.Activity.PASS_IT_ON, "piece")
    now = timezone.now()
    mine = Piece.objects.filter(phase=phase, held_by=participant, held_until__gt=now)
    if skip is not None:
        mine.filter(pk=skip).update(held_by=None, held_until=None)
    held = mine.exclude(pk=skip).exclude(contributions__participant=participant).first()
    if held is not None:
        return held
    candidates = (
        pieces_needing_additions(phase)
        .exclude(contributions__participant=participant)
        .exclude(held_by__isnull=False, held_until__gt=now)
        .order_by("n", "created_at", "id")
    )
    if skip is not None:
        candidates = candidates.exclude(pk=skip)
    for candidate in candidates[:5]:
        # Claim it only if nobody else claimed it in the meantime.
        claimed = (
            Piece.objects.filter(pk=candidate.pk)
            .exclude(held_by__isnull=False, held_until__gt=now)
            .update(held_by=participant, held_until=now + PIECE_HOLD)
        )
        if claimed:
            return Piece.objects.get(pk=candidate.pk)
    return None


@transaction.atomic
def do_add_to_piece(
    session: LiveSession, participant: Participant, *, piece_id, text: str
) -> PieceContribution:
    phase = _require_phase(session, participant, Phase.Activity.PASS_IT_ON, "addition")
    text = clean_text(
        text, empty="Please write your addition before sending it.", limit=MESSAGE_MAX, what="addition"
    )
    try:
        piece = Piece.objects.select_for_update().get(pk=int(piece_id), phase=phase)
    except (Piece.DoesNotExist, ValueError, TypeError):
        raise DeliberationError("We could not find that piece in this part of the session.") from None
    now = timezone.now()
    if piece.held_by_id not in (None, participant.pk) and piece.held_until and piece.held_until > now:
        raise DeliberationError("Someone else is adding to that piece just now. Here is another one.")
    if piece.contributions.filter(participant=participant).exists():
        raise DeliberationError("You have already added to that piece. Here is another one.")
    last = piece.contributions.aggregate(last=Max("position"))["last"]
    if last is not None and last >= phase.additions_per_piece:
        raise DeliberationError("That piece is complete. Here is another one.")
    contribution = PieceContribution.objects.create(
        piece=piece, participant=participant, position=(last or 0) + 1, text=text
    )
    piece.held_by, piece.held_until = None, None
    piece.save(update_fields=["held_by", "held_until"])
    record(
        "piece.added_to",
        piece,
        acting_user=participant.person,
        session_id=session.pk,
        participant_id=participant.pk,
        position=contribution.position,
    )
    happenings.piece_changed.announce(piece=piece)
    return contribution
