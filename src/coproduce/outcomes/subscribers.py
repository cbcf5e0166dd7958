"""What outcomes does when something happens upstream (subscribed in OutcomesConfig.ready)."""

from __future__ import annotations

from coproduce.events.models import Registration
from coproduce.live.models import LiveSession, Participant

from .actions import do_invite_to_feedback
from .models import FeedbackForm


def invite_after_attendance(registration: Registration) -> None:
    """A person was there: invite them to every open feedback form of the event (and its live sessions)."""
    for form in FeedbackForm.objects.filter(event_id=registration.event_id, is_open=True):
        do_invite_to_feedback(form, registration.person, acting_user=None)


def invite_after_session(session: LiveSession) -> None:
    """session_finished: everyone who took part signed in is invited to the session's open feedback forms.

    People who joined without signing in cannot be reached and are not invited. A person already
    invited (e.g. checked in at the event, see invite_after_attendance) is not invited again.
    """
    forms = list(FeedbackForm.objects.filter(live_session_id=session.pk, is_open=True))
    if not forms:
        return
    people = [
        p.person
        for p in Participant.objects.filter(session_id=session.pk, person__isnull=False).select_related(
            "person"
        )
    ]
    for form in forms:
        for person in people:
            do_invite_to_feedback(form, person, acting_user=None)
