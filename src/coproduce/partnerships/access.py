"""Reads with permission applied. A project a person may not see does not exist for them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from .models import Membership, Project


def role_in_project(user, project: Project) -> str | None:
    """The user's role in the project, or None for anyone who is not a member."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(project=project, person=user).values_list("role", flat=True).first()


def projects_for(user) -> QuerySet[Project]:
    """Projects the user is a member of."""
    if not getattr(user, "is_authenticated", False):
        return Project.objects.none()
    return Project.objects.filter(memberships__person=user).distinct()


def access_project_by_id(user, project_id: int) -> Project:
    """The project if the user is a member; otherwise "not found", whether or not it exists."""
    try:
        return projects_for(user).get(pk=project_id)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise Http404("No such project.") from None
