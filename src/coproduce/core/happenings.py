"""Happenings: how a downstream app learns what happened upstream, without upstream knowing it.

The arrows of the architecture point one way (people → partnerships → events → live → deliberation →
sensemaking → training → recognition → opportunities → outcomes): an upstream app never imports a
downstream one. When a downstream app must react to an upstream change (a payment offer follows
attendance, a feedback invitation follows a finished session), the upstream action *announces a
happening* and the downstream app *subscribes* to it:

    # upstream, inside the action's transaction (events/actions.py)
    happenings.attendance_recorded.announce(registration=registration)

    # downstream, in its AppConfig.ready()
    happenings.attendance_recorded.subscribe(offer_payment_for_attendance)

The contract:

- Subscribers run **after the publisher's transaction commits**, never inside it; if it rolls back,
  nobody is told. In a request they run before the response is sent, so they must be quick: slow work
  (e-mail, PDFs) goes to background work from the subscriber.
- Each subscriber runs in **its own transaction**. One that raises is rolled back alone: the upstream
  change stands, the other subscribers still run, and the person who acted never sees the error. The
  failure is logged and kept as a :class:`~coproduce.core.models.FailedHappening`, which the
  background worker runs again after a growing pause (:func:`retry_due`), as does
  ``coproduce manage retry_happenings`` at once.
- The payload is small and documented: model instances (passed as ids and fetched afresh on a retry)
  and plain JSON values.

This module is the one list of every happening, its payload and who publishes it; the subscribers are
whatever ``subscribe`` registered (see ``coproduce manage happenings`` and docs/architecture.md).
Plug-in registries that return something to the caller (live activities, data rights) are not
happenings: see docs/architecture.md for why they stay separate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone

from .models import FailedHappening

logger = logging.getLogger(__name__)

Subscriber = Callable[..., None]


def subscriber_name(subscriber: Subscriber) -> str:
    """A subscriber's dotted name, by which a failed delivery finds it again."""
    return f"{subscriber.__module__}.{subscriber.__qualname__}"


@dataclass(eq=False)
class Happening:
    """A named thing that happened upstream, announced after commit to whoever subscribed."""

    name: str
    publisher: str
    payload: dict[str, str]
    description: str
    subscribers: list[Subscriber] = field(default_factory=list)

    def subscribe(self, subscriber: Subscriber) -> None:
        """Call ``subscriber(**payload)`` after each announcement commits. Safe to call twice."""
        if subscriber_name(subscriber) not in {subscriber_name(s) for s in self.subscribers}:
            self.subscribers.append(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self.subscribers = [s for s in self.subscribers if subscriber_name(s) != subscriber_name(subscriber)]

    def announce(self, **payload: Any) -> None:
        """Tell every subscriber, once the current transaction commits (at once outside one)."""
        if set(payload) != set(self.payload):
            raise TypeError(f"{self.name} takes {sorted(self.payload)}, not {sorted(payload)}")
        if self.subscribers:
            transaction.on_commit(lambda: self.deliver(payload))

    def deliver(self, payload: dict[str, Any]) -> None:
        for subscriber in list(self.subscribers):
            run_subscriber(self, subscriber, payload)


def run_subscriber(happening: Happening, subscriber: Subscriber, payload: dict[str, Any]) -> bool:
    """Run one subscriber in its own transaction; keep a failure for a retry. True if it succeeded."""
    try:
        with transaction.atomic():
            subscriber(**payload)
    except Exception as error:  # a subscriber's bug must never reach the person who acted
        logger.exception("Subscriber %s failed on %s", subscriber_name(subscriber), happening.name)
        FailedHappening.objects.create(
            happening=happening.name,
            subscriber=subscriber_name(subscriber),
            payload=dump_payload(payload),
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        return False
    return True


def dump_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """JSON for a payload: model instances become their label and primary key."""
    return {
        key: {"model": value._meta.label_lower, "pk": value.pk} if isinstance(value, models.Model) else value
        for key, value in payload.items()
    }


def load_payload(stored: dict[str, Any]) -> dict[str, Any]:
    """The payload again, with model instances fetched afresh (DoesNotExist if one has gone)."""
    loaded = {}
    for key, value in stored.items():
        if isinstance(value, dict) and set(value) == {"model", "pk"}:
            value = apps.get_model(value["model"])._default_manager.get(pk=value["pk"])
        loaded[key] = value
    return loaded


def retry(failure: FailedHappening) -> bool:
    """Run a failed delivery again with its stored payload. True (and marked resolved) if it succeeded."""
    happening = CATALOGUE.get(failure.happening)
    subscribers = happening.subscribers if happening else []
    subscriber = next((s for s in subscribers if subscriber_name(s) == failure.subscriber), None)
    failure.attempts += 1
    try:
        if subscriber is None:
            raise LookupError(f"{failure.subscriber} no longer subscribes to {failure.happening}")
        with transaction.atomic():
            subscriber(**load_payload(failure.payload))
    except Exception as error:  # kept for the next retry, as the first failure was
        logger.exception("Retry of %s failed", failure)
        failure.error = f"{type(error).__name__}: {error}"[:2000]
        failure.save(update_fields=["attempts", "error"])
        return False
    failure.resolved_at = timezone.now()
    failure.save(update_fields=["attempts", "resolved_at"])
    return True


MAX_ATTEMPTS = 10


def retry_due(now=None) -> str:
    """Retry each failed delivery whose pause is over (2, 4, 8... minutes after the first failure).

    A background-worker job: safe in several processes at once, since each failure is claimed with a
    row lock that other workers skip. Gives up after MAX_ATTEMPTS tries; after that,
    ``retry_happenings --max-attempts N`` goes on by hand.
    """
    now = now or timezone.now()
    retried = succeeded = 0
    waiting = FailedHappening.objects.filter(resolved_at=None, attempts__lt=MAX_ATTEMPTS)
    for pk, failed_at, attempts in waiting.values_list("pk", "failed_at", "attempts"):
        if failed_at + timedelta(minutes=2**attempts) > now:
            continue
        with transaction.atomic():
            claimed = (
                FailedHappening.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, resolved_at=None, attempts=attempts)
                .first()
            )
            if claimed is None:
                continue
            retried += 1
            succeeded += retry(claimed)
    return f"{retried} retried, {succeeded} succeeded"


CATALOGUE: dict[str, Happening] = {}


def _happening(name: str, *, publisher: str, payload: dict[str, str], description: str) -> Happening:
    happening = Happening(name=name, publisher=publisher, payload=payload, description=description)
    CATALOGUE[name] = happening
    return happening


def get(name: str) -> Happening:
    return CATALOGUE[name]


# ------------------------------------------------------------------------------------------- the list
# Keep docs/architecture.md's table in step with this list (a test checks it).

member_added = _happening(
    "member_added",
    publisher="partnerships.actions.do_add_member",
    payload={"membership": "the new partnerships.Membership (project, person, role)"},
    description="Someone joined a project, by invitation or by a coordinator adding them.",
)
member_removed = _happening(
    "member_removed",
    publisher="partnerships.actions.do_remove_member",
    payload={"project": "the partnerships.Project", "person_id": "the id of the person who left"},
    description="Someone left a project or was removed from it.",
)
place_confirmed = _happening(
    "place_confirmed",
    publisher="events.actions (signed-in sign-up, a visitor confirming their address, or promotion)",
    payload={"registration": "the events.Registration that now holds a place"},
    description="A person has a confirmed place at an event: on signing up while signed in, when a "
    "visitor confirms the place held for them, or when a place opened for them on the waitlist. "
    "Never for a place merely held for a visitor.",
)
registration_cancelled = _happening(
    "registration_cancelled",
    publisher="events.actions.do_cancel_registration",
    payload={"registration": "the events.Registration, now cancelled"},
    description="A person gave up their place (or their spot on the waitlist).",
)
attendance_recorded = _happening(
    "attendance_recorded",
    publisher="events.actions.do_check_in",
    payload={"registration": "the events.Registration, checked in"},
    description="A person was there: checked in at the event. Payment for their time follows this.",
)
attendance_undone = _happening(
    "attendance_undone",
    publisher="events.actions.do_undo_check_in",
    payload={"registration": "the events.Registration, no longer checked in"},
    description="A check-in was a mistake and was taken back.",
)
session_started = _happening(
    "session_started",
    publisher="live.actions.do_start_session",
    payload={"session": "the live.LiveSession, now live"},
    description="A facilitator started a live session: its first phase is running.",
)
phase_started = _happening(
    "phase_started",
    publisher="live.actions (start, advance)",
    payload={"session": "the live.LiveSession", "phase": "the live.Phase now running"},
    description="A live session moved to a phase (its first on start, the next on advance).",
)
participant_joined = _happening(
    "participant_joined",
    publisher="live.actions.do_join_session",
    payload={"participant": "the live.Participant, linked to a signed-in person"},
    description="A signed-in person joined a live session: they take part. Payment for their time follows.",
)
session_finished = _happening(
    "session_finished",
    publisher="live.actions.do_finish_session",
    payload={"session": "the live.LiveSession, now finished"},
    description="A live session ended. Feedback and outcomes follow this.",
)

# ------------------------------------------------------------------------------------- deliberation
# What changed in a live session's statements, votes, take-home wall and pass-it-on pieces. The
# deliberation app subscribes to its own happenings too: deliberation/broadcasting.py turns them into
# messages for open pages, deliberation/map_refresh.py keeps the opinion map fresh.

statement_submitted = _happening(
    "statement_submitted",
    publisher="deliberation.actions.do_submit_statement, do_add_seed_statement",
    payload={
        "statement": "the new deliberation.Statement: accepted, or pending while a facilitator moderates "
        "(is_seed: a facilitator's statement to start the conversation, always accepted)"
    },
    description="A new statement, from a participant or a facilitator.",
)
statement_moderated = _happening(
    "statement_moderated",
    publisher="deliberation.actions.do_moderate_statement, do_merge_statements",
    payload={"statement": "the deliberation.Statement, now accepted, hidden or merged (into merged_into)"},
    description="A facilitator accepted, hid or merged a statement.",
)
vote_cast = _happening(
    "vote_cast",
    publisher="deliberation.actions.do_cast_vote",
    payload={
        "session_id": "the id of the live.LiveSession voted in",
        "statement_id": "the id of the deliberation.Statement voted on",
    },
    description=(
        "A participant voted on a statement or changed their vote. Announced for every vote of a crowded "
        "room, so the payload is ids (who voted what stays private) and a subscriber must not query."
    ),
)
take_home_left = _happening(
    "take_home_left",
    publisher="deliberation.actions.do_leave_take_home_message",
    payload={"message": "the deliberation.TakeHomeMessage, new or changed"},
    description="A participant left (or changed) their take-home message for the wall.",
)
take_home_moderated = _happening(
    "take_home_moderated",
    publisher="deliberation.actions.do_set_take_home_hidden",
    payload={"message": "the deliberation.TakeHomeMessage (is_hidden: taken off the wall, else back on it)"},
    description="A facilitator took a take-home message off the wall, or put it back.",
)
piece_changed = _happening(
    "piece_changed",
    publisher="deliberation.actions.do_start_piece, do_add_to_piece",
    payload={"piece": "the deliberation.Piece, just started or added to"},
    description="A pass-it-on piece was started or had a line added.",
)
opinion_map_refreshed = _happening(
    "opinion_map_refreshed",
    publisher="deliberation.map_refresh (the background refresh after votes, at most about once a second)",
    payload={
        "snapshot": "the deliberation.OpinionMapSnapshot just stored",
        "read_at": "time.time() just before the votes were read: every vote stored before it is in the map",
    },
    description="A session's opinion map was recomputed in the background after new votes or moderation.",
)
