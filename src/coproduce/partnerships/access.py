"""Reads with permission applied. A project a person may not see does not exist for them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max, QuerySet
from django.db.models.functions import Lower
from django.http import Http404

from .models import (
    GroundRulesAgreement,
    GroundRulesDraft,
    GroundRulesVersion,
    Membership,
    Organisation,
    Project,
)


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


def memberships_for(user) -> QuerySet[Membership]:
    """The user's own memberships with their projects, by project title (for "My projects")."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return Membership.objects.filter(person=user).select_related("project").order_by("project__title")


def own_membership(user, project: Project) -> Membership:
    """The user's membership of a project they are in, or "not found"."""
    try:
        return Membership.objects.select_related("person").get(project=project, person=user)
    except (Membership.DoesNotExist, TypeError):
        raise Http404("No such project.") from None


def members_of(project: Project) -> QuerySet[Membership]:
    """The project's memberships with each person, ordered by badge name (nobody is ranked by role)."""
    return (
        Membership.objects.filter(project=project)
        .select_related("person")
        .order_by(Lower("person__badge_name"), "id")
    )


def access_membership_by_id(project: Project, membership_id: int) -> Membership:
    """A membership of this project, or "not found" (a membership id from another project is unknown here).

    Call only after the user's right to manage the project's members has been checked.
    """
    try:
        return Membership.objects.select_related("person").get(project=project, pk=membership_id)
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404("No such member.") from None


def coordinates_project_of(user, person) -> bool:
    """Whether the user coordinates a project that ``person`` is a member of."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(
        person=user,
        role=Membership.Role.COORDINATOR,
        project__memberships__person=person,
    ).exists()


def is_coordinator_anywhere(user) -> bool:
    """Whether the user coordinates at least one project."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(person=user, role=Membership.Role.COORDINATOR).exists()


def current_ground_rules(project: Project) -> GroundRulesVersion | None:
    """The latest published version of the project's ground rules, or None before the first."""
    return project.ground_rules_versions.order_by("-number").first()


def ground_rules_history(project: Project) -> QuerySet[GroundRulesVersion]:
    """Every published version, newest first, with who published it."""
    return project.ground_rules_versions.select_related("published_by").order_by("-number")


def access_ground_rules_version(project: Project, number: int) -> GroundRulesVersion:
    """One published version of a project the user may already see, or "not found"."""
    try:
        return project.ground_rules_versions.select_related("published_by").get(number=number)
    except (GroundRulesVersion.DoesNotExist, ValueError, TypeError):
        raise Http404("No such version of the ground rules.") from None


def ground_rules_draft(project: Project) -> GroundRulesDraft | None:
    """The shared draft for the next version, or None if nobody has started one."""
    return GroundRulesDraft.objects.select_related("updated_by").filter(project=project).first()


def latest_version_agreed_by(person, project: Project) -> GroundRulesVersion | None:
    """The newest version of the project's ground rules this person has agreed to, if any."""
    if not getattr(person, "is_authenticated", False):
        return None
    return (
        GroundRulesVersion.objects.filter(project=project, agreements__person=person)
        .order_by("-number")
        .first()
    )


@dataclass(frozen=True)
class AgreementOverview:
    """Who among the current members has agreed to the current version: badge names only."""

    version: GroundRulesVersion
    agreed: list[str]
    agreed_to_earlier_version_only: list[str]
    not_agreed: list[str]

    @property
    def total(self) -> int:
        return len(self.agreed) + len(self.agreed_to_earlier_version_only) + len(self.not_agreed)

    @property
    def not_yet_agreed_count(self) -> int:
        return len(self.agreed_to_earlier_version_only) + len(self.not_agreed)


def agreement_overview(project: Project) -> AgreementOverview | None:
    """Current members grouped by whether they agreed to the current version (None before version 1).

    Three queries whatever the number of members.
    """
    current = current_ground_rules(project)
    if current is None:
        return None
    latest_by_person = dict(
        GroundRulesAgreement.objects.filter(version__project=project)
        .values_list("person_id")
        .annotate(latest=Max("version__number"))
    )
    agreed, earlier, never = [], [], []
    for membership in members_of(project):
        latest = latest_by_person.get(membership.person_id)
        name = membership.person.badge_name
        if latest == current.number:
            agreed.append(name)
        elif latest is not None:
            earlier.append(name)
        else:
            never.append(name)
    return AgreementOverview(current, agreed, earlier, never)


def organisations_of(project: Project) -> QuerySet[Organisation]:
    """The project's partner organisations, by name. Call after the project's own access check."""
    return project.organisations.order_by("name")


def organisations_list() -> QuerySet[Organisation]:
    """Every organisation, by name. Organisations are public facts, not personal data."""
    return Organisation.objects.order_by(Lower("name"))
