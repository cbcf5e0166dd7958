"""Every change to organisations, projects, memberships and ground rules goes through here.

Each action runs in one transaction and writes an audit row (``core.audit.record``) in it. Actions
enforce the rules that keep the data whole (a project always has a coordinator; ground rules versions
are numbered without gaps; a person agrees only to the current version). Whether the acting person
may ask for the change at all is the caller's check, made first with ``partnerships.permissions``.

A rule that is broken raises :class:`PartnershipError`, whose message is written for the person
who asked and may be shown to them as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from coproduce.core import happenings
from coproduce.core.audit import record
from coproduce.core.errors import ActionError
from coproduce.core.text import clean_line, clean_text
from coproduce.people.actions import do_find_or_create_person
from coproduce.people.models import Person

from . import emails
from .models import (
    GroundRulesAgreement,
    GroundRulesDraft,
    GroundRulesVersion,
    Membership,
    Organisation,
    Project,
)

Role = Membership.Role


class PartnershipError(ActionError):
    """A change to organisations, projects, memberships or ground rules was refused (see ActionError)."""


# --- organisations ----------------------------------------------------------------------------------


def do_create_organisation(*, name: str, kind: str, website: str = "", acting_user) -> Organisation:
    """Add an organisation. Names are unique ignoring case."""
    name = " ".join(name.split())
    if not name:
        raise PartnershipError("Enter the organisation's name.", field="name")
    if kind not in Organisation.Kind.values:
        raise PartnershipError("Choose what kind of organisation this is.", field="kind")
    duplicate = PartnershipError(f"There is already an organisation called “{name}”.", field="name")
    if Organisation.objects.filter(name__iexact=name).exists():
        raise duplicate
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(name=name, kind=kind, website=website.strip())
            record("organisation.created", organisation, acting_user=acting_user, kind=kind)
    except IntegrityError:  # created by someone else a moment ago
        raise duplicate from None
    return organisation


# --- projects ----------------------------------------------------------------------------------------


def _require_person(acting_user) -> None:
    if not getattr(acting_user, "is_authenticated", False):
        raise PartnershipError("Sign in first.")


def _clean_project_fields(title: str, purpose: str, ladder_rung: str) -> tuple[str, str]:
    # The title goes into e-mail subjects (invitations) and exports: one line, no control characters.
    title = clean_line(title)
    purpose = clean_text(purpose).strip()
    if not title:
        raise PartnershipError("Enter a title for the project.", field="title")
    if not purpose:
        raise PartnershipError("Say in plain English what the project is for.", field="purpose")
    if ladder_rung not in Project.LadderRung.values:
        raise PartnershipError("Choose a rung of the ladder of co-production.", field="ladder_rung")
    return title, purpose


@transaction.atomic
def do_create_project(
    *,
    title: str,
    purpose: str,
    ladder_rung: str = Project.LadderRung.CO_PRODUCTION,
    organisations: Iterable[Organisation] = (),
    acting_user,
) -> Project:
    """Start a project in the planning stage; the person who starts it becomes its first coordinator."""
    _require_person(acting_user)
    title, purpose = _clean_project_fields(title, purpose, ladder_rung)
    project = Project.objects.create(title=title, purpose=purpose, ladder_rung=ladder_rung)
    organisations = list(organisations)
    project.organisations.set(organisations)
    membership = Membership.objects.create(project=project, person=acting_user, role=Role.COORDINATOR)
    record(
        "project.created",
        project,
        acting_user=acting_user,
        organisation_ids=sorted(o.pk for o in organisations),
        ladder_rung=ladder_rung,
    )
    record(
        "membership.added",
        membership,
        acting_user=acting_user,
        project_id=project.pk,
        person_id=acting_user.pk,
        role=Role.COORDINATOR,
    )
    return project


@transaction.atomic
def do_update_project(
    project: Project,
    *,
    title: str,
    purpose: str,
    ladder_rung: str,
    organisations: Iterable[Organisation],
    acting_user,
) -> list[str]:
    """Change a project's details. Returns the names of the fields that changed (audited only if any did)."""
    title, purpose = _clean_project_fields(title, purpose, ladder_rung)
    organisations = list(organisations)
    changed = [
        name
        for name, value in (("title", title), ("purpose", purpose), ("ladder_rung", ladder_rung))
        if getattr(project, name) != value
    ]
    new_ids = {o.pk for o in organisations}
    if set(project.organisations.values_list("pk", flat=True)) != new_ids:
        changed.append("organisations")
    if not changed:
        return []
    project.title, project.purpose, project.ladder_rung = title, purpose, ladder_rung
    fields = [f for f in changed if f != "organisations"]
    if fields:
        project.save(update_fields=fields)
    if "organisations" in changed:
        project.organisations.set(organisations)
    record("project.updated", project, acting_user=acting_user, fields=changed)
    return changed


@transaction.atomic
def do_set_project_status(project: Project, *, status: str, acting_user) -> bool:
    """Move a project to planning, active or closed. Returns False (and records nothing) if unchanged."""
    if status not in Project.Status.values:
        raise PartnershipError("Choose planning, active or closed.", field="status")
    if project.status == status:
        return False
    previous = project.status
    project.status = status
    project.save(update_fields=["status"])
    record("project.status_changed", project, acting_user=acting_user, previous=previous, status=status)
    return True


# --- memberships -------------------------------------------------------------------------------------


def _lock(project: Project) -> Project:
    """Lock the project row so that membership and ground-rules changes to it happen one at a time.

    Without this two coordinators could each demote the other at the same moment and leave the
    project with none.
    """
    return Project.objects.select_for_update().get(pk=project.pk)


def _other_coordinators_exist(membership: Membership) -> bool:
    return (
        Membership.objects.filter(project_id=membership.project_id, role=Role.COORDINATOR)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def do_add_member(project: Project, person, *, role: str = Role.MEMBER, acting_user) -> Membership:
    """Make ``person`` a member of ``project`` with ``role``.

    If they are already a member their membership is returned unchanged (inviting someone twice
    changes nothing; use :func:`do_change_member_role` to change a role).
    """
    if role not in Role.values:
        raise PartnershipError("Choose one of the roles listed.", field="role")
    _lock(project)
    membership, created = Membership.objects.get_or_create(
        project=project, person=person, defaults={"role": role}
    )
    if created:
        record(
            "membership.added",
            membership,
            acting_user=acting_user,
            project_id=project.pk,
            person_id=person.pk,
            role=role,
        )
        happenings.member_added.announce(membership=membership)
    return membership


@dataclass(frozen=True)
class Invitation:
    person: Person
    membership: Membership
    already_member: bool


def do_invite_person_to_project(
    project: Project, *, email: str, badge_name: str, role: str, acting_user
) -> Invitation:
    """Invite someone to ``project`` by e-mail: find or create them, make them a member, e-mail a link.

    Someone already in the project keeps their role and gets no e-mail. The coordinator's suggested
    badge name is used only for a new person; they can change it on their profile.
    The e-mail is sent after the transaction commits.
    """
    if role not in Role.values:
        raise PartnershipError("Choose one of the roles listed.", field="role")
    with transaction.atomic():
        person, _ = do_find_or_create_person(email=email, badge_name=badge_name, acting_user=acting_user)
        existing = Membership.objects.filter(project=project, person=person).first()
        if existing:
            return Invitation(person=person, membership=existing, already_member=True)
        membership = do_add_member(project, person, role=role, acting_user=acting_user)
        inviter = getattr(acting_user, "badge_name", "") or "A coordinator"
        transaction.on_commit(lambda: emails.send_invitation(membership, inviter=inviter))
    return Invitation(person=person, membership=membership, already_member=False)


@transaction.atomic
def do_change_member_role(membership: Membership, *, role: str, acting_user) -> bool:
    """Give a member a different role. Returns False if the role was already that.

    Refuses to take the coordinator role from the project's last coordinator.
    """
    if role not in Role.values:
        raise PartnershipError("Choose one of the roles listed.", field="role")
    _lock(membership.project)
    membership = Membership.objects.select_related("person").get(pk=membership.pk)
    if membership.role == role:
        return False
    if membership.role == Role.COORDINATOR and not _other_coordinators_exist(membership):
        raise PartnershipError(
            f"{membership.person.badge_name} is the only coordinator. A project needs at least one "
            "coordinator: make someone else a coordinator first.",
            field="role",
        )
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    record(
        "membership.role_changed",
        membership,
        acting_user=acting_user,
        project_id=membership.project_id,
        person_id=membership.person_id,
        previous=previous,
        role=role,
    )
    return True


@transaction.atomic
def do_remove_member(membership: Membership, *, acting_user) -> None:
    """Take a person out of a project (also how a person leaves: pass their own membership).

    Refuses to remove the project's last coordinator. Their agreements to the ground rules stay on
    record; their registrations and contributions elsewhere are not touched here.
    """
    _lock(membership.project)
    membership = Membership.objects.select_related("person").get(pk=membership.pk)
    if membership.role == Role.COORDINATOR and not _other_coordinators_exist(membership):
        leaving = getattr(acting_user, "pk", None) == membership.person_id
        raise PartnershipError(
            "You are the only coordinator. A project needs at least one coordinator: make someone else a "
            "coordinator before you leave."
            if leaving
            else f"{membership.person.badge_name} is the only coordinator. A project needs at least one "
            "coordinator: make someone else a coordinator first."
        )
    record(
        "membership.removed",
        membership,
        acting_user=acting_user,
        project_id=membership.project_id,
        person_id=membership.person_id,
        role=membership.role,
    )
    happenings.member_removed.announce(project=membership.project, person_id=membership.person_id)
    membership.delete()


# --- ground rules ------------------------------------------------------------------------------------

GROUND_RULES_MAX_LENGTH = 10_000


def _clean_ground_rules_text(text: str) -> str:
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise PartnershipError("Write the ground rules before saving them.", field="text")
    if len(text) > GROUND_RULES_MAX_LENGTH:
        raise PartnershipError(
            f"Keep the ground rules under {GROUND_RULES_MAX_LENGTH:,} characters (this is {len(text):,}).",
            field="text",
        )
    return text


@transaction.atomic
def do_save_ground_rules_draft(
    project: Project, *, text: str, based_on_revision: int, acting_user
) -> GroundRulesDraft:
    """Save the shared draft of the next version.

    ``based_on_revision`` is the draft revision the person started editing from (0 for a new draft).
    If someone else saved in the meantime the save is refused, so nobody's words are lost silently.
    """
    text = _clean_ground_rules_text(text)
    _lock(project)
    draft, _ = GroundRulesDraft.objects.get_or_create(project=project)
    if draft.revision != based_on_revision:
        raise PartnershipError(
            "Someone else saved the draft while you were editing it. Their version is shown below: copy "
            "in any changes of yours that are still needed, then save again.",
            field="text",
        )
    if draft.text == text:
        return draft
    draft.text = text
    draft.revision += 1
    draft.updated_at = timezone.now()
    draft.updated_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    draft.save()
    record(
        "ground_rules.draft_saved",
        draft,
        acting_user=acting_user,
        project_id=project.pk,
        revision=draft.revision,
    )
    return draft


@transaction.atomic
def do_publish_ground_rules(
    project: Project, *, text: str, summary_of_changes: str = "", acting_user
) -> GroundRulesVersion:
    """Publish ``text`` as the project's next numbered version; earlier versions are kept.

    The shared draft becomes this text too, as the starting point for the version after. Everyone's
    agreement now refers to an earlier version until they agree to this one.
    """
    text = _clean_ground_rules_text(text)
    summary_of_changes = " ".join(summary_of_changes.split())
    if len(summary_of_changes) > 300:
        raise PartnershipError(
            "Keep the summary of changes under 300 characters.", field="summary_of_changes"
        )
    project = _lock(project)
    if project.is_closed:
        raise PartnershipError("This project is closed, so its ground rules can no longer change.")
    current = project.ground_rules_versions.order_by("-number").first()
    if current is not None and current.text == text:
        raise PartnershipError(
            f"This is the same as version {current.number}. "
            "Change the ground rules before publishing a new version.",
            field="text",
        )
    number = current.number + 1 if current else 1
    version = GroundRulesVersion.objects.create(
        project=project,
        number=number,
        text=text,
        summary_of_changes=summary_of_changes,
        published_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    draft, _ = GroundRulesDraft.objects.get_or_create(project=project)
    if draft.text != text:
        draft.text = text
        draft.revision += 1
        draft.updated_at = timezone.now()
        draft.updated_by = version.published_by
        draft.save()
    record("ground_rules.published", version, acting_user=acting_user, project_id=project.pk, number=number)
    return version


@transaction.atomic
def do_agree_to_ground_rules(version: GroundRulesVersion, *, acting_user) -> GroundRulesAgreement:
    """Record that the acting person agrees to this version of their project's ground rules.

    Only the current version can be agreed to, only by a member, and only for oneself. Agreeing again
    changes nothing and returns the existing agreement.
    """
    _require_person(acting_user)
    project = _lock(version.project)
    if project.is_closed:
        raise PartnershipError("This project is closed, so its ground rules can no longer be agreed to.")
    if not Membership.objects.filter(project=project, person=acting_user).exists():
        raise PartnershipError("Only members of this project can agree to its ground rules.")
    current = project.ground_rules_versions.order_by("-number").first()
    if current is None or current.pk != version.pk:
        raise PartnershipError(
            f"The ground rules have changed since you opened them: version {current.number} is now the "
            "current one. Please read it, and agree to it if you are happy with it."
        )
    agreement, created = GroundRulesAgreement.objects.get_or_create(version=version, person=acting_user)
    if created:
        record(
            "ground_rules.agreed",
            agreement,
            acting_user=acting_user,
            project_id=project.pk,
            number=version.number,
        )
    return agreement
