"""Who may do what with actions ("you said, we did"). One policy, decided by the role in the project.

===============================  ===========  ===========  ========  ======  ==============  =========
may...                           coordinator  facilitator  steering  member  contributor(1)  anyone
===============================  ===========  ===========  ========  ======  ==============  =========
see the project's actions        yes          yes          yes       yes     no              no
see an action and its sources    yes          yes          yes       yes     no              no
create, update, (un)link sources yes          no           no        no      no              no
publish the public page          yes          no           no        no      no              no
see the public page (published)  yes          yes          yes       yes     yes             yes
see "what happened to what       their own    their own    ...       ...     their own       no
you said"
===============================  ===========  ===========  ========  ======  ==============  =========

(1) A person whose words an action came from but who is not in the project (e.g. someone who came to
a public workshop) sees the action's title, status and timeline on their own page, never its sources
or who else contributed.

Feedback forms: coordinators and facilitators create them and see results (never who gave which
answer); the people invited after attending, and the project's members, answer them. Only
coordinators send a form's written answers (those whose writers agreed) into sense-making.

Decision log: project members read it (who was involved is shown only as counts by perspective, with
small numbers hidden); coordinators and the steering group record decisions.

Views call exactly one of these first; a refusal is shown as "not found".
"""

from __future__ import annotations

from coproduce.partnerships import permissions as project_rules
from coproduce.partnerships.models import Project

from .models import Action, FeedbackForm, FeedbackInvitation


def can_view_actions(user, project: Project) -> bool:
    return project_rules.can_view_project(user, project)


def can_view_action(user, action: Action) -> bool:
    return project_rules.can_view_project(user, action.project)


def can_manage_actions(user, project: Project) -> bool:
    """Create actions, move them on, link what they came from, publish the public page."""
    return project_rules.policy_for(user, project).is_coordinator


def can_manage_action(user, action: Action) -> bool:
    return can_manage_actions(user, action.project)


def can_view_public_page(user, project: Project, *, is_published: bool) -> bool:
    """Anyone sees a published page; until then only the coordinators, to preview it."""
    return is_published or can_manage_actions(user, project)


def can_view_own_outcomes(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# Feedback forms: coordinators and facilitators (who run events) make them and read the results;
# people who were there (invited after attendance) and members of the project answer them.


def can_manage_feedback(user, project: Project) -> bool:
    return project_rules.can_manage_events(user, project)


def can_send_feedback_to_sensemaking(user, project: Project) -> bool:
    """Send a form's consented written answers into sense-making as a source: coordinators only."""
    return project_rules.policy_for(user, project).is_coordinator


def can_respond_to_feedback(user, form: FeedbackForm) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if FeedbackInvitation.objects.filter(form=form, person=user).exists():
        return True
    return project_rules.can_view_project(user, form.project)


def can_view_impact_report(user, project: Project) -> bool:
    """The report counts people by perspective (in aggregate): coordinators only, as partnerships'
    perspective counts are."""
    return project_rules.can_see_member_perspectives(user, project)


def can_view_decisions(user, project: Project) -> bool:
    return project_rules.can_view_project(user, project)


def can_record_decision(user, project: Project) -> bool:
    """The steering group keeps the log, with the coordinators."""
    return project_rules.policy_for(user, project).role in ("coordinator", "steering")
