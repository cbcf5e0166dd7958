"""People's self-declared perspectives, as seen through project roles.

Perspectives belong to the people app (private, self-declared, optional), which knows nothing of
projects. This module adds the project's view: a person's coordinators may see what they declared
(``permissions.can_view_perspectives``), and a project's coordinators see how many members declared
each perspective, never who.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from coproduce.people.access import declared_perspectives, perspective_counts
from coproduce.people.models import Person, Perspective

from .models import Project
from .permissions import can_view_perspectives


def access_perspectives_by_person_id(user, person_id) -> tuple[Person, list[str]]:
    """The person and their perspectives, or "not found" for anyone who may not see them."""
    try:
        person = Person.objects.get(pk=person_id, is_active=True)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("No such person.") from None
    if not can_view_perspectives(user, person):
        raise Http404("No such person.")
    return person, declared_perspectives(person)


@dataclass(frozen=True)
class PerspectiveCounts:
    rows: list[tuple[str, int]]
    """(perspective label, number of members who declared it), in the people app's order."""
    not_declared: int
    members: int


def project_perspective_counts(project: Project) -> PerspectiveCounts:
    """How many members declared each perspective: counts only, never who declared what.

    Exact counts, because within a project its coordinators may see them. Call only for someone
    allowed to (``permissions.can_see_member_perspectives``).
    """
    counts = perspective_counts(Person.objects.filter(memberships__project=project))
    return PerspectiveCounts(
        rows=[(label, counts[code] or 0) for code, label in Perspective.Kind.choices],
        not_declared=counts["not_declared"] or 0,
        members=counts["people"],
    )
