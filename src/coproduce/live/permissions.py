"""Who may do what with a live session. One policy, tested as a table in tests/live/test_permissions.py.

- Coordinators and facilitators of the event's project control its sessions; so do the session's
  co-facilitators (project members a facilitator chose to share control with).
- Any project member may see a session's page and, once it has finished, its outcomes and exports.
- Participants (known by their browser session, no account needed) take part in their own session only,
  and see its outcomes once it has finished.
"""

from __future__ import annotations

from coproduce.events.models import Event
from coproduce.partnerships.access import role_in_project
from coproduce.partnerships.models import Membership

from .models import LiveSession, Participant

CONTROLLING_ROLES = {Membership.Role.COORDINATOR, Membership.Role.FACILITATOR}


def _is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_create_live_session(user, event: Event) -> bool:
    return role_in_project(user, event.project) in CONTROLLING_ROLES


def can_control_session(user, session: LiveSession) -> bool:
    if not _is_signed_in(user):
        return False
    if role_in_project(user, session.event.project) in CONTROLLING_ROLES:
        return True
    return session.co_facilitators.filter(pk=user.pk).exists()


def can_see_event_sessions(user, event: Event) -> bool:
    """The event's live-session page: project members, and anyone for a public event."""
    return event.is_public or role_in_project(user, event.project) is not None


def can_take_part(participant: Participant | None, session: LiveSession) -> bool:
    return participant is not None and participant.session_id == session.pk and not session.is_finished


def can_view_outcomes(user, session: LiveSession, participant: Participant | None = None) -> bool:
    if can_control_session(user, session):
        return True
    if not session.is_finished:
        return False
    if participant is not None and participant.session_id == session.pk:
        return True
    return role_in_project(user, session.event.project) is not None


def can_export_outcomes(user, session: LiveSession) -> bool:
    """Anonymous exports (numbered voters, no names) for the project's members to analyse."""
    if can_control_session(user, session):
        return True
    return session.is_finished and role_in_project(user, session.event.project) is not None


def can_be_co_facilitator(person, session: LiveSession) -> bool:
    return role_in_project(person, session.event.project) is not None
