"""Feedback on a live session: people who took part while signed in are invited when the session
finishes (the session_finished happening), once, even if they were also checked in at the event."""

from __future__ import annotations

import pytest
from django.core import mail

from coproduce.core.models import FailedHappening
from coproduce.events.actions import do_check_in
from coproduce.live.actions import do_finish_session, do_start_session
from coproduce.outcomes.actions import do_create_feedback_form, do_set_feedback_form_open
from coproduce.outcomes.models import FeedbackInvitation
from tests.events.conftest import register
from tests.live.conftest import _clear_cache, event, live_session  # noqa: F401
from tests.live.factories import join

pytestmark = pytest.mark.django_db


def invited_emails(form) -> list[str]:
    return sorted(FeedbackInvitation.objects.filter(form=form).values_list("person__email", flat=True))


def test_signed_in_participants_are_invited_when_the_session_finishes_and_nobody_twice(
    live_session,  # noqa: F811
    coordinator,
    facilitator,
    member,
    other_member,
    django_capture_on_commit_callbacks,
):
    form = do_create_feedback_form(
        live_session.event, live_session=live_session, title="How was the workshop?", acting_user=coordinator
    )
    event_only = do_create_feedback_form(
        live_session.event, title="How was the day?", acting_user=coordinator
    )
    join(live_session, "Jo", person=member)
    join(live_session, "Sam", person=other_member)
    join(live_session, "Visitor")  # joined without signing in: nobody to invite
    # Sam was also checked in at the event: invited then, to both forms of the event.
    with django_capture_on_commit_callbacks(execute=True):
        do_check_in(register(live_session.event, other_member, notify=False), acting_user=None)
    assert invited_emails(form) == ["other@example.org"]
    mail.outbox.clear()

    session = do_start_session(live_session, acting_user=facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        do_finish_session(session, acting_user=facilitator)

    assert invited_emails(form) == ["member@example.org", "other@example.org"]
    # The event's own form is not the session's: taking part in the session does not invite to it.
    assert invited_emails(event_only) == ["other@example.org"]
    # Only Jo is newly invited, so only Jo is e-mailed.
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["member@example.org"], "How was Leaving hospital: a workshop? Tell us")
    ]
    assert not FailedHappening.objects.exists()


def test_a_closed_form_invites_nobody_when_the_session_finishes(
    live_session,  # noqa: F811
    coordinator,
    facilitator,
    member,
    django_capture_on_commit_callbacks,
):
    form = do_create_feedback_form(
        live_session.event, live_session=live_session, title="How was it?", acting_user=coordinator
    )
    do_set_feedback_form_open(form, is_open=False, acting_user=coordinator)
    join(live_session, "Jo", person=member)
    session = do_start_session(live_session, acting_user=facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        do_finish_session(session, acting_user=facilitator)
    assert invited_emails(form) == []


def test_a_form_made_after_the_session_finished_invites_its_signed_in_participants(
    live_session,  # noqa: F811
    coordinator,
    facilitator,
    member,
    django_capture_on_commit_callbacks,
):
    join(live_session, "Jo", person=member)
    join(live_session, "Visitor")
    session = do_start_session(live_session, acting_user=facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        do_finish_session(session, acting_user=facilitator)
    session.refresh_from_db()
    form = do_create_feedback_form(
        session.event, live_session=session, title="How was it?", acting_user=coordinator
    )
    assert invited_emails(form) == ["member@example.org"]
