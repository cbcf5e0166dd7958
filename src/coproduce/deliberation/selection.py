"""Which statement to show a participant next: one at a time, chosen by the engine's statement priority.

As in Polis, the next statement is drawn at random with weights from the priority in the latest
opinion map; statements newer than the map get the highest known priority so they are seen early.
The draw is seeded by the participant and how many votes they have cast, and the chosen statement is
stored, so a reload or a reconnect shows the same statement.
"""

from __future__ import annotations

import random

from coproduce.live.models import Participant

from .models import CurrentStatement, OpinionMapSnapshot, Statement, Vote


def statement_for(participant: Participant) -> Statement | None:
    """The statement this participant should vote on now, or None when they have voted on them all."""
    voted = set(Vote.objects.filter(participant=participant).values_list("statement_id", flat=True))
    current = CurrentStatement.objects.select_related("statement").filter(participant=participant).first()
    if (current is not None and current.statement is not None and current.statement.is_votable
            and current.statement_id not in voted):
        return current.statement
    candidates = list(
        Statement.objects.filter(session_id=participant.session_id, status=Statement.Status.ACCEPTED)
        .exclude(pk__in=voted).order_by("id").values_list("id", flat=True)
    )
    chosen = None
    if candidates:
        snapshot = OpinionMapSnapshot.objects.filter(session_id=participant.session_id).only("data").first()
        priority = (snapshot.data.get("priority") or {}) if snapshot is not None else {}
        newest = max(priority.values(), default=1.0) or 1.0
        weights = [max(float(priority.get(str(sid), newest)), 1e-6) for sid in candidates]
        chosen = random.Random(f"{participant.pk}:{len(voted)}").choices(candidates, weights=weights)[0]
    CurrentStatement.objects.update_or_create(participant=participant, defaults={"statement_id": chosen})
    return Statement.objects.get(pk=chosen) if chosen is not None else None


def voting_progress(participant: Participant) -> tuple[int, int]:
    """(statements voted on, statements that can be voted on) for this participant."""
    total = Statement.objects.filter(session_id=participant.session_id, status=Statement.Status.ACCEPTED).count()
    voted = Vote.objects.filter(participant=participant, statement__status=Statement.Status.ACCEPTED).count()
    return voted, total
