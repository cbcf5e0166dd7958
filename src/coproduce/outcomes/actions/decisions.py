"""The steering group's decision log."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core.audit import record
from coproduce.partnerships.models import Membership, Project
from coproduce.people.models import Person

from ..errors import OutcomesError
from ..models import (
    Action,
    Decision,
    Gripp2Summary,
)

# ------------------------------------------------------------------------------------ decision log


def do_record_decision(
    project: Project,
    *,
    proposal: str,
    outcome: str,
    decided_on: date,
    acting_user,
    involved: list[Person] = (),
    linked_actions: list[Action] = (),
) -> Decision:
    """Add a decision to the project's log. ``involved`` must be members; ``linked_actions`` its actions."""
    if not proposal.strip():
        raise OutcomesError(_("Say what was proposed."), field="proposal")
    if not outcome.strip():
        raise OutcomesError(_("Say what was decided."), field="outcome")
    member_ids = set(Membership.objects.filter(project=project).values_list("person_id", flat=True))
    if any(person.pk not in member_ids for person in involved):
        raise OutcomesError(_("Everyone involved must be a member of the project."), field="involved")
    if any(action.project_id != project.pk for action in linked_actions):
        raise OutcomesError(_("Link actions of this project only."), field="linked_actions")
    with transaction.atomic():
        decision = Decision.objects.create(
            project=project,
            proposal=proposal.strip(),
            outcome=outcome.strip(),
            decided_on=decided_on,
            recorded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        )
        decision.involved.set(involved)
        decision.actions.set(linked_actions)
        record("outcomes.record_decision", decision, acting_user=acting_user, involved=len(involved))
    return decision


def do_save_gripp2(
    project: Project, *, start: date, end: date, texts: dict[str, str], acting_user
) -> Gripp2Summary:
    """Keep the coordinator's GRIPP2 short form for this project and period (aim, methods, results,
    discussion, reflections)."""
    if end < start:
        raise OutcomesError(_("The end date must be on or after the start date."), field="end")
    fields = {
        name: texts.get(name, "").strip()
        for name in ("aim", "methods", "results", "discussion", "reflections")
    }
    with transaction.atomic():
        summary, _created = Gripp2Summary.objects.update_or_create(
            project=project,
            start=start,
            end=end,
            defaults={
                **fields,
                "updated_by": acting_user if getattr(acting_user, "is_authenticated", False) else None,
                "updated_at": timezone.now(),
            },
        )
        record("outcomes.save_gripp2", summary, acting_user=acting_user)
    return summary
