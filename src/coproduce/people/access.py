"""Reads of people's private data with permission applied.

Perspectives are private: only the person and coordinators of projects they belong to see them,
and only counts leave a project (:func:`perspective_counts`).
"""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from coproduce.partnerships.access import access_project_by_id
from coproduce.partnerships.models import Project

from .models import Person, Perspective
from .permissions import can_view_perspectives, can_view_project_perspective_counts

#: Counts from 1 up to this number, minus one, can point at a person in a small group. Callers
#: publishing counts beyond a project (reports, exports) pass ``suppress_below=SMALL_CELL``.
SMALL_CELL = 3


def perspectives_of(user, person: Person) -> list[str]:
    """The perspective codes ``person`` declared, if ``user`` may see them; otherwise Http404."""
    if not can_view_perspectives(user, person):
        raise Http404("No such person.")
    return list(person.perspectives.values_list("perspective", flat=True))


def access_perspectives_by_person_id(user, person_id) -> tuple[Person, list[str]]:
    """The person and their perspectives, or "not found" for anyone who may not see them."""
    try:
        person = Person.objects.get(pk=person_id, is_active=True)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("No such person.") from None
    return person, perspectives_of(user, person)


def perspective_counts(people: QuerySet[Person], *, suppress_below: int = 0) -> dict[str, int | None]:
    """How many of ``people`` declared each perspective: counts only, never who.

    Keys: every ``Perspective.Kind`` code (zero included), ``"not_declared"`` (people with none) and
    ``"people"`` (everyone counted). Someone with two perspectives counts in both, so the
    perspective counts can add up to more than ``"people"``.

    With ``suppress_below=n``, any count from 1 to n-1 becomes None ("a few"), so a small group
    cannot be used to work out who someone is; zero and the total are always exact. Within a
    project its coordinators may see exact counts; outputs leaving a project should suppress.
    """
    people = people.filter(is_active=True)
    per_kind = dict(
        Perspective.objects.filter(person__in=people.values("pk"))
        .values("perspective")
        .annotate(n=Count("person", distinct=True))
        .values_list("perspective", "n")
    )
    total = people.values("pk").distinct().count()
    declared = Perspective.objects.filter(person__in=people.values("pk")).values("person").distinct().count()
    counts: dict[str, int | None] = {kind: per_kind.get(kind, 0) for kind in Perspective.Kind.values}
    counts["not_declared"] = total - declared
    if suppress_below:
        for key, value in counts.items():
            if value and value < suppress_below:
                counts[key] = None
    counts["people"] = total
    return counts


def access_project_perspective_counts_by_id(user, project_id) -> tuple[Project, dict[str, int | None]]:
    """Perspective counts of a project's members, for its coordinators; "not found" for anyone else."""
    project = access_project_by_id(user, project_id)
    if not can_view_project_perspective_counts(user, project):
        raise Http404("No such project.")
    members = Person.objects.filter(memberships__project=project)
    return project, perspective_counts(members)
