"""Every change to actions ("you said, we did") goes through here.

When an action moves (its status, its progress, or a note on its timeline), the people whose words it
came from are told: a notice on their page "What happened to what you said", and an e-mail to those who
chose to be contacted by e-mail, sent after the transaction commits. Nobody is told who else
contributed: each e-mail goes to one person and names nobody.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core.audit import record
from coproduce.partnerships.models import Membership, Project
from coproduce.people.models import Person

from .. import emails, origins
from ..errors import OutcomesError
from ..models import (
    Action,
    ActionContributor,
    ActionSource,
    ActionUpdate,
    Notice,
    PublicPage,
)


def _check(*, title: str, you_said: str, status: str, status_reason: str, progress: int) -> None:
    if not title.strip():
        raise OutcomesError(_("Say what will be done."), field="title")
    if not you_said.strip():
        raise OutcomesError(_("Say, in your words, what people said."), field="you_said")
    if status not in Action.Status.values:
        raise OutcomesError(_("Choose a status."), field="status")
    if status == Action.Status.NOT_DOING and not status_reason.strip():
        raise OutcomesError(
            _("Give the reason it will not be done: the people who said it will read it."),
            field="status_reason",
        )
    if not 0 <= progress <= 100:
        raise OutcomesError(_("Progress is a percentage from 0 to 100."), field="progress")


def _check_owner(project: Project, owner: Person | None) -> None:
    if owner is not None and not Membership.objects.filter(project=project, person=owner).exists():
        raise OutcomesError(_("The owner must be a member of the project."), field="owner")


def _link(action: Action, origin: origins.Origin) -> ActionSource:
    source, _created = ActionSource.objects.get_or_create(
        action=action,
        kind=origin.kind,
        object_id=origin.object_id,
        defaults={"excerpt": origin.excerpt, "where": origin.where[:300], "unreachable": origin.unreachable},
    )
    existing = set(action.contributors.values_list("person_id", flat=True))
    ActionContributor.objects.bulk_create(
        [ActionContributor(action=action, person_id=pid) for pid in sorted(origin.person_ids - existing)]
    )
    return source


def _resolve_all(project: Project, links: list[tuple[str, int]]) -> list[origins.Origin]:
    resolved = []
    for kind, object_id in links:
        origin = origins.resolve(project, kind, object_id)
        if origin is None:
            raise OutcomesError(
                _("One of the things you chose is no longer there. Choose again."), field="links"
            )
        resolved.append(origin)
    return resolved


def do_create_action(
    project: Project,
    *,
    title: str,
    you_said: str,
    acting_user,
    links: list[tuple[str, int]] = (),
    owner: Person | None = None,
    status: str = Action.Status.PROPOSED,
    status_reason: str = "",
    progress: int = 0,
    due_on: date | None = None,
    is_public: bool = False,
) -> Action:
    """Create an action from what people said (``links``: ``(kind, object_id)`` pairs in ``project``).

    The first timeline entry records the starting status. Contributors are not told about a proposal
    that has only just been written down; they are told from the first update on.
    """
    _check(title=title, you_said=you_said, status=status, status_reason=status_reason, progress=progress)
    _check_owner(project, owner)
    resolved = _resolve_all(project, list(links))
    with transaction.atomic():
        now = timezone.now()
        action = Action.objects.create(
            project=project,
            title=title.strip(),
            you_said=you_said.strip(),
            owner=owner,
            status=status,
            status_reason=status_reason.strip(),
            progress=progress,
            due_on=due_on,
            is_public=is_public,
            created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            created_at=now,
            updated_at=now,
        )
        for origin in resolved:
            _link(action, origin)
        ActionUpdate.objects.create(
            action=action,
            status=status,
            progress=progress,
            note=_("Action written down."),
            status_changed=True,
            created_by=action.created_by,
            created_at=now,
        )
        record("outcomes.create_action", action, acting_user=acting_user, links=len(resolved))
    return action


def do_link_sources(action: Action, *, links: list[tuple[str, int]], acting_user) -> Action:
    """Link more of what people said to an existing action (already linked ones are kept once)."""
    if not links:
        raise OutcomesError(_("Choose at least one thing this action came from."), field="links")
    resolved = _resolve_all(action.project, list(links))
    with transaction.atomic():
        for origin in resolved:
            _link(action, origin)
        record("outcomes.link_sources", action, acting_user=acting_user, links=len(resolved))
    return action


def do_unlink_source(action: Action, *, source_id: int, acting_user) -> ActionUpdate:
    """Unlink one thing the action came from (e.g. linked by mistake), with an entry on its timeline.

    The timeline says only what kind of thing was unlinked, never its words: the people told about the
    action read the timeline. People whose words came only through the unlinked source stop being told
    about the action; if some other linked thing can no longer be traced to its author (removed
    upstream), everyone stays, since that author cannot be ruled out. Nobody is told of the unlinking.
    """
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        source = ActionSource.objects.filter(action=action, pk=source_id).first()
        if source is None:
            raise OutcomesError(_("That is no longer linked to this action."))
        removed = origins.resolve(action.project, source.kind, source.object_id)
        kind = source.get_kind_display()
        source.delete()
        if removed is not None and removed.person_ids:
            kept: set[int] = set()
            traceable = True
            for other in action.sources.all():
                origin = origins.resolve(action.project, other.kind, other.object_id)
                if origin is None:
                    traceable = False
                    break
                kept |= origin.person_ids
            if traceable:
                ActionContributor.objects.filter(
                    action=action, person_id__in=removed.person_ids - kept
                ).delete()
        now = timezone.now()
        update = ActionUpdate.objects.create(
            action=action,
            status=action.status,
            progress=action.progress,
            note=_("No longer linked to one thing it came from: %(kind)s.") % {"kind": kind},
            status_changed=False,
            created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            created_at=now,
        )
        action.updated_at = now
        action.save(update_fields=["updated_at"])
        record("outcomes.unlink_source", action, acting_user=acting_user, kind=source.kind)
    return update


def do_update_action(
    action: Action,
    *,
    acting_user,
    status: str,
    progress: int,
    note: str = "",
    status_reason: str | None = None,
    due_on: date | None = None,
    owner: Person | None = None,
    title: str | None = None,
    you_said: str | None = None,
    is_public: bool | None = None,
    send_email: bool = True,
) -> ActionUpdate:
    """Move an action on and add an entry to its timeline; tell the people whose words it came from.

    Contributors are told when the status or progress changes, or a note is added. Those whose contact
    preference is e-mail get one e-mail each (after commit); everyone sees it on their own page.
    ``send_email=False`` (demo data, which writes history after the fact) tells them on their page only.
    """
    reason = action.status_reason if status_reason is None else status_reason
    _check(
        title=action.title if title is None else title,
        you_said=action.you_said if you_said is None else you_said,
        status=status,
        status_reason=reason if status == Action.Status.NOT_DOING else "x",
        progress=progress,
    )
    _check_owner(action.project, owner)
    note = note.strip()
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        moved = status != action.status or progress != action.progress or bool(note)
        status_changed = status != action.status
        if title is not None:
            action.title = title.strip()
        if you_said is not None:
            action.you_said = you_said.strip()
        if is_public is not None:
            action.is_public = is_public
        action.status = status
        action.status_reason = reason.strip()
        action.progress = progress
        action.due_on = due_on
        action.owner = owner
        action.updated_at = timezone.now()
        action.save()
        update = ActionUpdate.objects.create(
            action=action,
            status=status,
            progress=progress,
            note=note,
            status_changed=status_changed,
            created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            created_at=action.updated_at,
        )
        told = _tell_contributors(action, update, send_email=send_email) if moved else []
        record(
            "outcomes.update_action",
            action,
            acting_user=acting_user,
            status=status,
            progress=progress,
            told=len(told),
        )
    if any(notice.channel == Notice.Channel.EMAIL for notice in told):
        transaction.on_commit(lambda: emails.send_action_moved(update.pk))
    return update


def _tell_contributors(action: Action, update: ActionUpdate, *, send_email: bool) -> list[Notice]:
    people = Person.objects.filter(actions_from_my_words__action=action, is_active=True).only(
        "pk", "contact_preference", "is_active"
    )
    notices = [
        Notice(
            person=person,
            update=update,
            channel=Notice.Channel.EMAIL if send_email and person.wants_email else Notice.Channel.HOME_PAGE,
        )
        for person in people
    ]
    return Notice.objects.bulk_create(notices)


def do_mark_outcomes_seen(person: Person, *, acting_user) -> int:
    """The person has read their page "What happened to what you said". Returns how many were new."""
    with transaction.atomic():
        seen = Notice.objects.filter(person=person, seen_at__isnull=True).update(seen_at=timezone.now())
        if seen:
            record("outcomes.mark_seen", person, acting_user=acting_user, notices=seen)
    return seen


def do_set_public_page(
    project: Project, *, is_published: bool, introduction: str = "", acting_user
) -> PublicPage:
    """Publish (or withdraw) the project's public "You said, we did" page.

    It shows only the actions marked public, and only quotes whose speakers consented to public reports
    (checked each time the page is drawn, so a withdrawal takes a quote off at once).
    """
    with transaction.atomic():
        page, _created = PublicPage.objects.select_for_update().get_or_create(project=project)
        now = timezone.now()
        if is_published and not page.is_published:
            page.published_at = now
        page.is_published = is_published
        page.introduction = introduction.strip()
        page.updated_at = now
        page.save()
        record("outcomes.set_public_page", page, acting_user=acting_user, is_published=is_published)
    return page
