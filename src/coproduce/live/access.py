"""Reads with permission applied. A session a person may not see does not exist for them (404)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django_ratelimit.core import get_usage

from coproduce.events.access import agenda_items, event_or_404
from coproduce.events.models import Event
from coproduce.people.models import Person

from . import permissions
from .identity import find_participant
from .models import LiveSession, Participant, Phase, normalise_join_code


def _get_session(session_id) -> LiveSession:
    try:
        return LiveSession.objects.select_related("event__project", "current_phase").get(pk=session_id)
    except (LiveSession.DoesNotExist, ValueError, TypeError):
        raise Http404("No such session.") from None


def access_event_for_sessions_by_id(user, event_id) -> Event:
    event = event_or_404(event_id)
    if not permissions.can_see_event_sessions(user, event):
        raise Http404("No such event.")
    return event


def access_controlled_session_by_id(user, session_id) -> LiveSession:
    """A session the user may control (start, pause, moderate...), or 404."""
    session = _get_session(session_id)
    if not permissions.can_control_session(user, session):
        raise Http404("No such session.")
    return session


def access_participation_by_id(request, session_id) -> tuple[LiveSession, Participant]:
    """The session and this browser's participant in it, or 404 for anyone who has not joined it."""
    session = _get_session(session_id)
    participant = find_participant(request.session, request.user, session)
    if participant is None:
        raise Http404("No such session.")
    return session, participant


def access_session_as_viewer_by_id(request, session_id) -> tuple[LiveSession, Participant | None, bool]:
    """A session seen by a participant or a controller: ``(session, participant or None, can_control)``."""
    session = _get_session(session_id)
    participant = find_participant(request.session, request.user, session)
    controls = permissions.can_control_session(request.user, session)
    if participant is None and not controls:
        raise Http404("No such session.")
    return session, participant, controls


def access_outcomes_by_id(request, session_id) -> tuple[LiveSession, Participant | None]:
    session = _get_session(session_id)
    participant = find_participant(request.session, request.user, session)
    if not permissions.can_view_outcomes(request.user, session, participant):
        raise Http404("No such session.")
    return session, participant


def access_exports_by_id(user, session_id) -> LiveSession:
    session = _get_session(session_id)
    if not permissions.can_export_outcomes(user, session):
        raise Http404("No such session.")
    return session


def event_has_agenda(event: Event) -> bool:
    """Whether a session can take its phases from the event's agenda."""
    return agenda_items(event).exists()


def sessions_of_event(event: Event) -> QuerySet[LiveSession]:
    """The event's sessions, oldest first. Call after ``access_event_for_sessions_by_id``."""
    return event.live_sessions.select_related("event__project").order_by("created_at")


def phases_of(session: LiveSession) -> QuerySet[Phase]:
    """The session's phases in running order. Call after the session's own access check."""
    return session.phases.order_by("position")


def access_phase_by_id(session: LiveSession, phase_id) -> Phase:
    """A phase of this session (already checked), or "not found" (a phase of another session too)."""
    try:
        return session.phases.get(pk=phase_id)
    except (Phase.DoesNotExist, ValueError, TypeError):
        raise Http404("No such phase.") from None


def co_facilitators_of(session: LiveSession) -> list[Person]:
    return list(session.co_facilitators.order_by("badge_name"))


def participant_badge_names(session: LiveSession) -> list[str]:
    """Who has joined, by badge name only (for the people controlling the session)."""
    return list(session.participants.order_by("badge_name").values_list("badge_name", flat=True))


def project_people(session: LiveSession) -> QuerySet[Person]:
    """Members of the session's project, by badge name: who may be made a co-facilitator.

    Call only for someone who controls the session.
    """
    return Person.objects.filter(memberships__project=session.event.project).order_by("badge_name").distinct()


def project_person_by_id(session: LiveSession, person_id) -> Person | None:
    """The member of the session's project with this id, or None (not a member, or not an id)."""
    try:
        return project_people(session).get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError):
        return None


class TooManyJoinCodeGuesses(Exception):
    """This client address (or signed-in person) has looked up too many codes that do not exist."""


JOIN_CODE_GUESSES = "live.join_code.failures"


def _failed_lookups(request, *, count_one: bool) -> tuple[int, int]:
    """(failed lookups so far in this window, failures allowed), after counting one more if asked.

    Keyed by person when signed in, else by address (IPv6 by /64): a room on one NHS address shares
    one count, but someone signed in is held to their own."""
    usage = get_usage(
        request,
        group=JOIN_CODE_GUESSES,
        key="user_or_ip",
        rate=settings.COPRODUCE_JOIN_CODE_FAILURES,
        increment=count_one,
    )
    return (usage["count"], usage["limit"]) if usage else (0, 1)


def access_session_by_join_code(request, code: str) -> LiveSession | None:
    """The session whose join code is ``code``, or None when there is none.

    Every lookup of a code that does not exist counts against the client, and once a client has made
    ``settings.COPRODUCE_JOIN_CODE_FAILURES`` of them, every lookup raises :class:`TooManyJoinCodeGuesses`
    until the window passes, whether the code is right or not, so guessing teaches nothing. Lookups that
    find a session never count: a whole room joining from one address is never held back by it.
    """
    count, allowed = _failed_lookups(request, count_one=False)
    if count >= allowed:
        raise TooManyJoinCodeGuesses
    normalised = normalise_join_code(code)
    session = (
        LiveSession.objects.select_related("event__project").filter(join_code=normalised).first()
        if normalised
        else None
    )
    if session is None:
        _failed_lookups(request, count_one=True)
    return session
