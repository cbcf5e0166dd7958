"""What outcomes does when something happens upstream (subscribed in OutcomesConfig.ready)."""

from __future__ import annotations

from coproduce.events.models import Registration

from .actions import do_invite_to_feedback
from .models import FeedbackForm


def invite_after_attendance(registration: Registration) -> None:
    """A person was there: invite them to every open feedback form of the event (and its live sessions)."""
    for form in FeedbackForm.objects.filter(event_id=registration.event_id, is_open=True):
        do_invite_to_feedback(form, registration.person, acting_user=None)
