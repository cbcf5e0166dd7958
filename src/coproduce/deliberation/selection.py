"""Which statement to show a participant next: one at a time, chosen by the engine's statement priority.

As in Polis, the next statement is drawn at random with weights from the priority in the latest
opinion map; statements newer than the map get the highest known priority so they are seen early.
The draw is seeded by the participant and how many votes they have cast, and the chosen statement is
stored, so a reload or a reconnect shows the same statement.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from coproduce.live.models import Participant

from .models import CurrentStatement, OpinionMapSnapshot, Statement, Vote


@dataclass(frozen=True)
class VotingQueue:
    """Where a participant is: the statement to vote on now (None when they have voted on them all),
    how many accepted statements they have voted on, and how many there are."""

    statement: Statement | None
    voted: int
    total: int


def next_statement(participant: Participant) -> VotingQueue:
    """The statement this participant should vote on now, with their progress. Few queries: it runs after
    every vote."""
    voted = set(Vote.objects.filter(participant=participant).values_list("statement_id", flat=True))
    accepted = dict(
        Statement.objects.filter(session_id=participant.session_id, status=Statement.Status.ACCEPTED)
        .values_list("id", "text")
    )
    progress = {"voted": len(voted & accepted.keys()), "total": len(accepted)}
    current = CurrentStatement.objects.filter(participant=participant).values_list("statement_id", flat=True).first()
    if current in accepted and current not in voted:
        chosen = current
    else:
        candidates = sorted(accepted.keys() - voted)
        chosen = None
        if candidates:
            priority = (OpinionMapSnapshot.objects.filter(session_id=participant.session_id)
                        .values_list("priority", flat=True).first()) or {}
            newest = max(priority.values(), default=1.0) or 1.0
            weights = [max(float(priority.get(str(sid), newest)), 1e-6) for sid in candidates]
            chosen = random.Random(f"{participant.pk}:{len(voted)}").choices(candidates, weights=weights)[0]
        CurrentStatement.objects.bulk_create(
            [CurrentStatement(participant=participant, statement_id=chosen)],
            update_conflicts=True, unique_fields=["participant"], update_fields=["statement"],
        )
    statement = None
    if chosen is not None:
        statement = Statement(pk=chosen, text=accepted[chosen], session_id=participant.session_id,
                              status=Statement.Status.ACCEPTED)
    return VotingQueue(statement=statement, **progress)


def statement_for(participant: Participant) -> Statement | None:
    """The statement this participant should vote on now, or None when they have voted on them all."""
    return next_statement(participant).statement
