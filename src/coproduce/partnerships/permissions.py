"""The one policy for projects: who may do what in a project, decided by their role in it.

Other apps (events, live sessions, sense-making...) call these functions rather than looking at roles
themselves, so that the rules live in one place and are tested as one table
(tests/partnerships/test_permissions.py).

Roles in a project are project roles, not job titles:

===========================  ===========  ===========  ========  ======  ==============
may...                       coordinator  facilitator  steering  member  anyone else
===========================  ===========  ===========  ========  ======  ==============
see the project and members  yes          yes          yes       yes     no (not found)
edit details, change status  yes          no           no        no      no
manage members, invite       yes          no           no        no      no
see perspective counts       yes          no           no        no      no
see who agreed to the rules  yes          no           no        no      no
run events and sessions      yes          yes          no        no      no
edit the ground rules draft  yes          yes          yes       no      no
publish a new version        yes          no           yes       no      no
agree to the ground rules    yes          yes          yes       yes     no
leave the project            yes (1)      yes          yes       yes     no
===========================  ===========  ===========  ========  ======  ==============

(1) The last coordinator cannot leave or be removed: the actions refuse it with a clear message.

A closed project is kept for the record: its ground rules can no longer be edited, published or
agreed to. Coordinators can still edit it and reopen it.

Outside any one project:

- a person's own perspectives: the person, and the coordinators of any project they are in (who
  otherwise see perspectives only as counts for the whole project);
- any signed-in person may see the list of organisations;
- staff and people who coordinate at least one project may create organisations and projects
  (whoever creates a project becomes its first coordinator).

Staff get no extra view into projects they are not members of: a project's pages hold people's
names and, for coordinators, counts of perspectives, so only its members see them.

Views check one of these first and answer "not found" (404) when refused, so nobody can learn that
a project they are not in exists. People who are not signed in are sent to sign in first (for any
``/projects/...`` address, whether or not the project exists, so that reveals nothing either).
"""

from __future__ import annotations

from dataclasses import dataclass

from coproduce.people.permissions import can_view_own_perspectives

from .access import coordinates_project_of, is_coordinator_anywhere, role_in_project
from .models import Membership, Project

Role = Membership.Role


@dataclass(frozen=True)
class ProjectPolicy:
    """Everything one person may do in one project, worked out from a single role lookup.

    Views build one with :func:`policy_for` and pass it to templates as ``policy``; the module-level
    ``can_*`` functions below are the same rules for callers that need one answer.
    """

    role: str | None
    project_closed: bool = False

    @property
    def is_member(self) -> bool:
        return self.role is not None

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def can_view_project(self) -> bool:
        return self.is_member

    @property
    def can_view_members(self) -> bool:
        return self.is_member

    @property
    def can_edit_project(self) -> bool:
        return self.is_coordinator

    @property
    def can_set_project_status(self) -> bool:
        return self.is_coordinator

    @property
    def can_manage_members(self) -> bool:
        return self.is_coordinator

    @property
    def can_invite_people(self) -> bool:
        return self.is_coordinator

    @property
    def can_leave_project(self) -> bool:
        return self.is_member

    @property
    def can_see_member_perspectives(self) -> bool:
        """Counts of members by self-declared perspective: coordinators only."""
        return self.is_coordinator

    @property
    def can_manage_events(self) -> bool:
        return self.role in (Role.COORDINATOR, Role.FACILITATOR)

    @property
    def can_facilitate_sessions(self) -> bool:
        return self.role in (Role.COORDINATOR, Role.FACILITATOR)

    @property
    def can_view_ground_rules(self) -> bool:
        return self.is_member

    @property
    def can_edit_ground_rules(self) -> bool:
        """Propose and edit the shared draft of the next version."""
        return self.role in (Role.COORDINATOR, Role.FACILITATOR, Role.STEERING) and not self.project_closed

    @property
    def can_publish_ground_rules(self) -> bool:
        """Publish the draft as a new numbered version (the steering group shares this with coordinators)."""
        return self.role in (Role.COORDINATOR, Role.STEERING) and not self.project_closed

    @property
    def can_agree_ground_rules(self) -> bool:
        return self.is_member and not self.project_closed

    @property
    def can_see_ground_rules_agreement(self) -> bool:
        """Who has and has not agreed to the current version (badge names and counts)."""
        return self.is_coordinator


def policy_for(user, project: Project) -> ProjectPolicy:
    """The policy for this person in this project (one query)."""
    return ProjectPolicy(role=role_in_project(user, project), project_closed=project.is_closed)


def can_view_project(user, project: Project) -> bool:
    """Members in any role see the project page, its members (by badge name) and its ground rules."""
    return policy_for(user, project).can_view_project


def can_edit_project(user, project: Project) -> bool:
    """Coordinators change the title, purpose, partner organisations and ladder rung."""
    return policy_for(user, project).can_edit_project


def can_set_project_status(user, project: Project) -> bool:
    """Coordinators move a project between planning, active and closed."""
    return policy_for(user, project).can_set_project_status


def can_manage_members(user, project: Project) -> bool:
    """Coordinators change members' roles and remove members."""
    return policy_for(user, project).can_manage_members


def can_invite_people(user, project: Project) -> bool:
    """Coordinators invite people into the project by e-mail."""
    return policy_for(user, project).can_invite_people


def can_leave_project(user, project: Project) -> bool:
    """Any member may leave (the action refuses the last coordinator)."""
    return policy_for(user, project).can_leave_project


def can_see_member_perspectives(user, project: Project) -> bool:
    """Coordinators see how many members declared each perspective; never who."""
    return policy_for(user, project).can_see_member_perspectives


def can_manage_events(user, project: Project) -> bool:
    """Coordinators and facilitators create and run the project's events (registrations, check-in)."""
    return policy_for(user, project).can_manage_events


def can_facilitate_sessions(user, project: Project) -> bool:
    """Coordinators and facilitators control the project's live sessions."""
    return policy_for(user, project).can_facilitate_sessions


def can_view_ground_rules(user, project: Project) -> bool:
    """Members see the current ground rules, every earlier version and the draft."""
    return policy_for(user, project).can_view_ground_rules


def can_edit_ground_rules(user, project: Project) -> bool:
    """Coordinators, facilitators and steering group members write the draft together."""
    return policy_for(user, project).can_edit_ground_rules


def can_publish_ground_rules(user, project: Project) -> bool:
    """Coordinators and steering group members publish the draft as a new version."""
    return policy_for(user, project).can_publish_ground_rules


def can_agree_ground_rules(user, project: Project) -> bool:
    """Every member may agree to the current version for themselves (not once the project is closed)."""
    return policy_for(user, project).can_agree_ground_rules


def can_see_ground_rules_agreement(user, project: Project) -> bool:
    """Coordinators see who has and has not agreed to the current version."""
    return policy_for(user, project).can_see_ground_rules_agreement


def can_view_perspectives(user, person) -> bool:
    """A person's own perspectives: the person themselves, and the coordinators of a project they are in."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return can_view_own_perspectives(user, person) or coordinates_project_of(user, person)


def can_view_organisations(user) -> bool:
    """Any signed-in person may see the list of organisations."""
    return bool(getattr(user, "is_authenticated", False))


def can_create_organisation(user) -> bool:
    """Staff, and people who coordinate at least one project, may add organisations."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff) or is_coordinator_anywhere(user)


def can_create_project(user) -> bool:
    """Staff, and people who coordinate at least one project, may start a project."""
    return can_create_organisation(user)
