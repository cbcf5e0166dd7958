"""Who may do what with events. One policy, decided by the person's role in the event's project.

- Anyone, signed in or not, may see and sign up for a **public** event.
- Members of the project (any role) may see and sign up for its other events, and see the project's
  list of events. Someone already signed up to an event keeps seeing it even if it stops being public.
- **Coordinators and facilitators** of the project (``partnerships.permissions.can_manage_events``,
  so the role rules live in one place) create and edit its events and agendas, see who is
  registered (with their access needs, to plan for them), the waitlist, and check people in.
- Nobody else ever sees who else is registered, let alone who has which access need.

Views call exactly one of these before doing anything; a refusal is shown as "not found".
"""

from __future__ import annotations

from coproduce.partnerships import permissions as project_rules
from coproduce.partnerships.models import Project

from .models import Event, Registration


def _is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _has_active_registration(user, event: Event) -> bool:
    if not _is_signed_in(user):
        return False
    return (
        Registration.objects.filter(event=event, person=user)
        .exclude(status=Registration.Status.CANCELLED)
        .exists()
    )


def can_view_project_events(user, project: Project) -> bool:
    return project_rules.can_view_project(user, project)


def can_create_event(user, project: Project) -> bool:
    return project_rules.can_manage_events(user, project)


def can_view_event(user, event: Event) -> bool:
    if event.is_public:
        return True
    return project_rules.can_view_project(user, event.project) or _has_active_registration(user, event)


def can_register_for_event(user, event: Event) -> bool:
    """May see the sign-up form. Anonymous visitors may sign up for public events only."""
    if event.is_public:
        return True
    return project_rules.can_view_project(user, event.project)


def can_manage_event(user, event: Event) -> bool:
    """Edit the event and its agenda, see registrations and access needs, check people in."""
    return project_rules.can_manage_events(user, event.project)


def can_cancel_registration(user, registration: Registration) -> bool:
    """Only the person themselves cancels their place."""
    return _is_signed_in(user) and registration.person_id == user.pk
