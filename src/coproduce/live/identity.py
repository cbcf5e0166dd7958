"""Which participant a browser is. Kept in the Django session (the session cookie), never in a worker.

The same lookup serves HTTP requests and websocket connections (Channels puts the session in the scope).
"""

from __future__ import annotations

from .models import LiveSession, Participant

SESSION_KEY = "live_participants"


def remember_participant(django_session, participant: Participant) -> None:
    known = dict(django_session.get(SESSION_KEY, {}))
    known[str(participant.session_id)] = participant.pk
    django_session[SESSION_KEY] = known
    if hasattr(django_session, "modified"):
        django_session.modified = True


def find_participant(django_session, user, live_session: LiveSession) -> Participant | None:
    """The participant this browser (or this signed-in person) is in ``live_session``, if any."""
    participant_id = (django_session.get(SESSION_KEY, {}) if django_session is not None else {}).get(
        str(live_session.pk)
    )
    if participant_id is not None:
        participant = Participant.objects.filter(pk=participant_id, session=live_session).first()
        if participant is not None:
            return participant
    if getattr(user, "is_authenticated", False):
        return Participant.objects.filter(session=live_session, person=user).first()
    return None
