"""Helpers shared by the live and deliberation tests: an event, a session, participants and their clients."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.utils import timezone

from coproduce.events.models import Event
from coproduce.live import actions
from coproduce.live.identity import SESSION_KEY
from coproduce.live.models import LiveSession, Participant, Phase


def make_event(project, title: str = "Leaving hospital: a workshop") -> Event:
    start = timezone.now() + timedelta(days=1)
    return Event.objects.create(
        project=project, title=title, starts_at=start, ends_at=start + timedelta(hours=2)
    )


def make_session(event, by, *, format_key: str = "workshop_hour", **kwargs) -> LiveSession:
    return actions.do_create_live_session(
        event,
        title=kwargs.pop("title", "Discharge workshop"),
        format_key=format_key,
        acting_user=by,
        **kwargs,
    )


def join(session: LiveSession, badge_name: str, person=None) -> Participant:
    return actions.do_join_session(session, badge_name=badge_name, person=person)


def start_at(session: LiveSession, activity: str, by) -> LiveSession:
    """Start the session and advance until the current phase does ``activity``."""
    session.refresh_from_db()
    if session.is_ready:
        session = actions.do_start_session(session, acting_user=by)
    while session.current_phase.activity != activity:
        session = actions.do_advance_phase(session, acting_user=by)
    return LiveSession.objects.select_related("current_phase", "event__project").get(pk=session.pk)


def fresh(session: LiveSession) -> LiveSession:
    return LiveSession.objects.select_related("current_phase", "event__project").get(pk=session.pk)


def session_cookie_for(participant: Participant | None = None, user=None) -> str:
    """A Django session (as the session cookie's value) that is this participant and/or signed-in user."""
    store = SessionStore()
    if participant is not None:
        store[SESSION_KEY] = {str(participant.session_id): participant.pk}
    if user is not None:
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
    store.save()
    return store.session_key


def client_for(participant: Participant) -> Client:
    client = Client()
    client.cookies["sessionid"] = session_cookie_for(participant)
    return client


def with_statements_phase(session: LiveSession) -> Phase:
    return session.phases.get(activity=Phase.Activity.STATEMENTS)
