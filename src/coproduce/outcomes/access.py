"""Reads with permission applied. An action a person may not see does not exist for them (404)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.http import Http404

from coproduce.partnerships.access import members_of
from coproduce.partnerships.models import Membership, Project

from . import origins, permissions
from .models import Action, ActionSource, ActionUpdate, Notice, PublicPage


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("Not found.") from None


def _project_or_404(project_id) -> Project:
    try:
        return Project.objects.get(pk=_int(project_id))
    except Project.DoesNotExist:
        raise Http404("No such project.") from None


def access_project_actions_by_id(user, project_id) -> Project:
    project = _project_or_404(project_id)
    if not permissions.can_view_actions(user, project):
        raise Http404("No such project.")
    return project


def access_project_for_new_action_by_id(user, project_id) -> Project:
    project = _project_or_404(project_id)
    if not permissions.can_manage_actions(user, project):
        raise Http404("No such project.")
    return project


def _action_or_404(action_id) -> Action:
    try:
        return Action.objects.select_related("project", "owner").get(pk=_int(action_id))
    except Action.DoesNotExist:
        raise Http404("No such action.") from None


def access_action_by_id(user, action_id) -> Action:
    action = _action_or_404(action_id)
    if not permissions.can_view_action(user, action):
        raise Http404("No such action.")
    return action


def access_managed_action_by_id(user, action_id) -> Action:
    action = _action_or_404(action_id)
    if not permissions.can_manage_action(user, action):
        raise Http404("No such action.")
    return action


def project_actions(project: Project) -> QuerySet[Action]:
    return (
        Action.objects.filter(project=project)
        .select_related("owner")
        .annotate(source_count=Count("sources", distinct=True))
        .order_by("status", "-updated_at", "-id")
    )


def status_counts(project: Project) -> list[dict]:
    counts = dict(
        Action.objects.filter(project=project).values_list("status").annotate(n=Count("id")).order_by()
    )
    return [{"status": label, "count": counts.get(value, 0)} for value, label in Action.Status.choices]


def timeline(action: Action) -> QuerySet[ActionUpdate]:
    return action.updates.select_related("created_by").order_by("-created_at", "-id")


def sources_of(action: Action) -> QuerySet[ActionSource]:
    return action.sources.all()


@dataclass(frozen=True)
class Reach:
    """How many people will be told when the action moves, and how many cannot be (no account)."""

    by_email: int
    home_page_only: int
    unreachable: int


def reach_of(action: Action) -> Reach:
    """Counts only: the coordinator sees how many will be told, never a list of contributors here."""
    people = action.contributors.filter(person__is_active=True)
    by_email = people.filter(person__contact_preference="email").count()
    unreachable = action.sources.aggregate(n=Sum("unreachable"))["n"] or 0
    return Reach(by_email=by_email, home_page_only=people.count() - by_email, unreachable=unreachable)


def owner_choices(project: Project) -> list[tuple[int, str]]:
    return [(m.person_id, m.person.badge_name) for m in members_of(project)]


def owner_by_id(project: Project, person_id) -> Membership | None:
    return members_of(project).filter(person_id=person_id).first()


def link_candidates(project: Project) -> dict[str, list[origins.Candidate]]:
    return origins.candidates(project)


def public_page_of(project: Project) -> PublicPage:
    """The project's page settings (an unsaved, unpublished one if never set)."""
    return PublicPage.objects.filter(project=project).first() or PublicPage(project=project)


def access_public_page_by_id(user, project_id) -> tuple[Project, PublicPage]:
    """The project and its public page if published (or the user may preview it); else "not found"."""
    project = _project_or_404(project_id)
    page = public_page_of(project)
    if not permissions.can_view_public_page(user, project, is_published=page.is_published):
        raise Http404("No such page.")
    return project, page


def public_actions(project: Project) -> list[Action]:
    """Actions the project chose to show publicly, each with ``public_quotes`` that consent allows now."""
    shown = list(
        Action.objects.filter(project=project, is_public=True).order_by("status", "-updated_at", "-id")
    )
    quotes = origins.public_quotes([a.pk for a in shown])
    for action in shown:
        action.public_quotes = quotes.get(action.pk, [])
    return shown


# ------------------------------------------------------------------ what happened to what you said


def my_actions(person) -> QuerySet[Action]:
    """Actions that came from this person's words, most recently moved first, each with its timeline."""
    return (
        Action.objects.filter(contributors__person=person)
        .select_related("project")
        .prefetch_related(Prefetch("updates", queryset=ActionUpdate.objects.order_by("-created_at", "-id")))
        .order_by("-updated_at", "-id")
        .distinct()
    )


def unseen_notice_count(person) -> int:
    return Notice.objects.filter(person=person, seen_at__isnull=True).count()
