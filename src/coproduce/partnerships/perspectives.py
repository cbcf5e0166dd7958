"""Counts of a project's members by self-declared perspective, for its coordinators.

Perspectives belong to the people app (private, self-declared, optional): this module only asks it
for counts (``people.access.perspective_counts``), and shows nothing if that is not installed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Project


@dataclass(frozen=True)
class PerspectiveCounts:
    rows: list[tuple[str, int]]
    """(perspective label, number of members who declared it), in the people app's order."""
    not_declared: int
    members: int


def project_perspective_counts(project: Project) -> PerspectiveCounts | None:
    """How many members declared each perspective, or None when perspectives are not available.

    Only counts leave the people app, never who declared what. Exact counts, because within a
    project its coordinators may see them. Call only for someone allowed to
    (``permissions.can_see_member_perspectives``).
    """
    try:
        from coproduce.people.access import perspective_counts
        from coproduce.people.models import Perspective
    except ImportError:
        return None
    from coproduce.people.models import Person

    counts = perspective_counts(Person.objects.filter(memberships__project=project))
    return PerspectiveCounts(
        rows=[(label, counts[code] or 0) for code, label in Perspective.Kind.choices],
        not_declared=counts["not_declared"] or 0,
        members=counts["people"],
    )
