"""Which statement to show a participant next: one at a time, chosen by the engine's statement priority.

As in Polis, the next statement is drawn at random with weights from the priority in the latest
opinion map; statements newer than the map get the highest known priority so they are seen early.
The draw is seeded by the participant and how many votes they have cast, and the chosen statement is
stored, so a reload or a reconnect shows the same statement.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from django.db import connection

from coproduce.live.models import Participant

from .models import CurrentStatement, OpinionMapSnapshot, Statement, Vote


@dataclass(frozen=True)
class VotingQueue:
    """Where a participant is: the statement to vote on now (None when they have voted on them all),
    how many accepted statements they have voted on, and how many there are."""

    statement: Statement | None
    voted: int
    total: int


def _queue_sql() -> str:
    """Every accepted statement of a session, with whether the participant voted on it and whether it is
    the one they were shown. Plain SQL: building it through the ORM cost more than running it."""
    statement, vote, current = Statement._meta.db_table, Vote._meta.db_table, CurrentStatement._meta.db_table
    return (
        f"SELECT s.id, s.text, "
        f"EXISTS (SELECT 1 FROM {vote} v WHERE v.statement_id = s.id AND v.participant_id = %s), "
        f"EXISTS (SELECT 1 FROM {current} c WHERE c.participant_id = %s AND c.statement_id = s.id) "
        f"FROM {statement} s WHERE s.session_id = %s AND s.status = %s ORDER BY s.id"
    )


def _remember_sql() -> str:
    table = CurrentStatement._meta.db_table
    return (
        f"INSERT INTO {table} (participant_id, statement_id) VALUES (%s, %s) "
        "ON CONFLICT (participant_id) DO UPDATE SET statement_id = excluded.statement_id"
    )


def next_statement(participant: Participant) -> VotingQueue:
    """The statement this participant should vote on now, with their progress.

    It runs after every vote, so it reads in one query every accepted statement with whether this
    participant voted on it and whether it is the one they were shown; choosing a new one costs one
    write (and the priority, read at most once a second per worker).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _queue_sql(), [participant.pk, participant.pk, participant.session_id, Statement.Status.ACCEPTED]
        )
        rows = [(sid, text, bool(voted), bool(shown)) for sid, text, voted, shown in cursor.fetchall()]
    texts = {sid: text for sid, text, _voted, _shown in rows}
    waiting = [sid for sid, _text, voted, _shown in rows if not voted]
    progress = {"voted": len(rows) - len(waiting), "total": len(rows)}
    chosen = next((sid for sid, _text, voted, shown in rows if shown and not voted), None)
    if chosen is None:
        if waiting:
            priority = _priority(participant.session_id)
            newest = max(priority.values(), default=1.0) or 1.0
            weights = [max(float(priority.get(str(sid), newest)), 1e-6) for sid in waiting]
            seed = f"{participant.pk}:{progress['voted']}"
            chosen = random.Random(seed).choices(waiting, weights=weights)[0]
        with connection.cursor() as cursor:
            cursor.execute(_remember_sql(), [participant.pk, chosen])
    statement = None
    if chosen is not None:
        statement = Statement(
            pk=chosen, text=texts[chosen], session_id=participant.session_id, status=Statement.Status.ACCEPTED
        )
    return VotingQueue(statement=statement, **progress)


_PRIORITY_SECONDS = 1.0
_priorities: dict[int, tuple[float, dict]] = {}


def _priority(session_id: int) -> dict:
    """The latest map's statement priority. Kept for a second in this worker: a cache of what is in the
    database, never the only copy."""
    now = time.monotonic()
    cached = _priorities.get(session_id)
    if cached is not None and cached[0] > now:
        return cached[1]
    priority = (
        OpinionMapSnapshot.objects.filter(session_id=session_id).values_list("priority", flat=True).first()
    ) or {}
    if len(_priorities) > 1000:
        _priorities.clear()
    _priorities[session_id] = (now + _PRIORITY_SECONDS, priority)
    return priority


def statement_for(participant: Participant) -> Statement | None:
    """The statement this participant should vote on now, or None when they have voted on them all."""
    return next_statement(participant).statement
