"""Who may do what with people's data: the one policy for the people app."""

from __future__ import annotations

from coproduce.partnerships.access import role_in_project
from coproduce.partnerships.models import Membership, Project


def can_invite_to_project(user, project: Project) -> bool:
    """Only the project's coordinators invite people into it."""
    return role_in_project(user, project) == Membership.Role.COORDINATOR


def can_view_perspectives(user, person) -> bool:
    """A person's perspectives: the person themselves, and coordinators of a project they are in."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.pk == person.pk:
        return True
    return Membership.objects.filter(
        person=user,
        role=Membership.Role.COORDINATOR,
        project__memberships__person=person,
    ).exists()


def can_view_project_perspective_counts(user, project: Project) -> bool:
    """The counts for a whole project: its coordinators."""
    return can_invite_to_project(user, project)
