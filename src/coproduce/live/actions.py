"""Every change to a live session goes through here: creating it, its phases, joining, and the timer.

Control actions lock the session row, so two facilitators pressing buttons at once are applied one
after the other; ``expected_version`` lets a page that showed an older state be told so instead of
acting twice (e.g. "Next phase" pressed on two screens).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy

from coproduce.core import happenings
from coproduce.core.audit import record
from coproduce.core.errors import ActionError
from coproduce.events.models import Event

from .broadcast import broadcast_state_after_commit
from .formats import FROM_AGENDA, format_by_key
from .models import LiveSession, Participant, Phase, new_join_code
from .permissions import can_be_co_facilitator

BADGE_NAME_MAX = 40
EXTEND_MINUTES_MAX = 60


class LiveSessionError(ActionError):
    """A change to a live session that cannot be made (message and field: see ActionError)."""


STALE_MESSAGE = (
    "The session changed a moment ago, perhaps by another facilitator. Nothing else was changed: "
    "check where it is now and try again."
)


def _locked(session: LiveSession) -> LiveSession:
    return (
        LiveSession.objects.select_for_update(of=("self",)).select_related("current_phase").get(pk=session.pk)
    )


def _check_version(session: LiveSession, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != session.version:
        raise LiveSessionError(STALE_MESSAGE)


def _changed(session: LiveSession, fields: list[str]) -> None:
    session.version += 1
    session.save(update_fields=[*fields, "version"])
    broadcast_state_after_commit(session)


# --- creating and arranging a session -------------------------------------------------------------


@transaction.atomic
def do_create_live_session(
    event: Event,
    *,
    title: str,
    format_key: str,
    capacity: int | None = None,
    moderation: str = LiveSession.Moderation.AUTOMATIC,
    signed_in_only: bool = False,
    acting_user,
    join_code: str | None = None,
) -> LiveSession:
    """A new session for ``event`` with phases from a shipped format or from the event's agenda.

    ``capacity`` None means the usual limit (``LiveSession.join_limit``); ``signed_in_only`` lets only
    people signed in to an account join."""
    for _ in range(10):
        code = join_code or new_join_code()
        if not LiveSession.objects.filter(join_code=code).exists():
            break
        if join_code:
            raise LiveSessionError("That join code is already in use.", field="join_code")
    session = LiveSession.objects.create(
        event=event,
        title=title.strip() or event.title,
        capacity=capacity,
        moderation=moderation,
        signed_in_only=signed_in_only,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        join_code=code,
    )
    if format_key == FROM_AGENDA:
        items = list(event.agenda_items.order_by("position"))
        if not items:
            raise LiveSessionError(
                "This event has no agenda yet. Choose one of the ready-made formats.", field="format_key"
            )
        for position, item in enumerate(items, start=1):
            Phase.objects.create(
                session=session,
                position=position,
                title=item.title[:120],
                purpose=item.purpose,
                duration_minutes=max(1, item.duration_minutes),
                activity=Phase.Activity.INFORMATION,
            )
    else:
        session_format = format_by_key(format_key)
        if session_format is None:
            raise LiveSessionError("Choose one of the formats listed.", field="format_key")
        for position, spec in enumerate(session_format.phases, start=1):
            Phase.objects.create(
                session=session,
                position=position,
                title=spec.title,
                purpose=spec.purpose,
                duration_minutes=spec.duration_minutes,
                activity=spec.activity,
                additions_per_piece=spec.additions_per_piece,
            )
    record("live_session.created", session, acting_user=acting_user, event_id=event.pk, format=format_key)
    return session


@transaction.atomic
def do_update_session_settings(
    session: LiveSession,
    *,
    title: str,
    capacity: int | None,
    moderation: str,
    signed_in_only: bool | None = None,
    acting_user,
) -> LiveSession:
    """Change a session's settings; ``signed_in_only`` None leaves that setting as it is."""
    session = _locked(session)
    if session.is_finished:
        raise LiveSessionError("This session has finished; its settings can no longer change.")
    session.title = title.strip() or session.title
    session.capacity = capacity
    session.moderation = moderation
    fields = ["title", "capacity", "moderation"]
    if signed_in_only is not None:
        session.signed_in_only = signed_in_only
        fields.append("signed_in_only")
    session.save(update_fields=fields)
    record("live_session.settings_changed", session, acting_user=acting_user, fields=fields)
    return session


def _check_phase_editable(phase: Phase) -> None:
    if phase.has_run:
        raise LiveSessionError("This phase has already started, so it can no longer be changed.")


@transaction.atomic
def do_add_phase(
    session: LiveSession,
    *,
    title: str,
    purpose: str,
    duration_minutes: int,
    activity: str,
    additions_per_piece: int = 3,
    acting_user,
) -> Phase:
    session = _locked(session)
    if session.is_finished:
        raise LiveSessionError("This session has finished; phases can no longer be added.")
    last = session.phases.aggregate(last=Max("position"))["last"] or 0
    phase = Phase.objects.create(
        session=session,
        position=last + 1,
        title=title.strip(),
        purpose=purpose.strip(),
        duration_minutes=duration_minutes,
        activity=activity,
        additions_per_piece=additions_per_piece,
    )
    record("live_phase.added", phase, acting_user=acting_user, session_id=session.pk)
    _changed(session, [])
    return phase


@transaction.atomic
def do_update_phase(
    phase: Phase,
    *,
    title: str,
    purpose: str,
    duration_minutes: int,
    activity: str,
    additions_per_piece: int = 3,
    acting_user,
) -> Phase:
    session = _locked(phase.session)
    phase = Phase.objects.get(pk=phase.pk)
    _check_phase_editable(phase)
    phase.title, phase.purpose = title.strip(), purpose.strip()
    phase.duration_minutes, phase.activity, phase.additions_per_piece = (
        duration_minutes,
        activity,
        additions_per_piece,
    )
    phase.save()
    record("live_phase.updated", phase, acting_user=acting_user, session_id=session.pk)
    _changed(session, [])
    return phase


@transaction.atomic
def do_remove_phase(phase: Phase, *, acting_user) -> None:
    session = _locked(phase.session)
    phase = Phase.objects.get(pk=phase.pk)
    _check_phase_editable(phase)
    if session.phases.count() == 1:
        raise LiveSessionError("A session needs at least one phase.")
    record("live_phase.removed", phase, acting_user=acting_user, session_id=session.pk, title=phase.title)
    position = phase.position
    phase.delete()
    # Close the gap one row at a time, lowest first, so the unique position constraint always holds.
    for later in session.phases.filter(position__gt=position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])
    _changed(session, [])


@transaction.atomic
def do_move_phase(phase: Phase, *, earlier: bool, acting_user) -> None:
    """Swap a phase that has not run yet with its neighbour (which must not have run either)."""
    session = _locked(phase.session)
    phase = Phase.objects.get(pk=phase.pk)
    _check_phase_editable(phase)
    neighbour = (
        session.phases.filter(position__lt=phase.position).order_by("-position").first()
        if earlier
        else session.phases.filter(position__gt=phase.position).order_by("position").first()
    )
    if neighbour is None:
        raise LiveSessionError("This phase cannot move further that way.")
    _check_phase_editable(neighbour)
    a, b = phase.position, neighbour.position
    phase.position = 0
    phase.save(update_fields=["position"])
    neighbour.position = a
    neighbour.save(update_fields=["position"])
    phase.position = b
    phase.save(update_fields=["position"])
    record("live_phase.moved", phase, acting_user=acting_user, session_id=session.pk, position=b)
    _changed(session, [])


@transaction.atomic
def do_add_co_facilitator(session: LiveSession, person, *, acting_user) -> None:
    if not can_be_co_facilitator(person, session):
        raise LiveSessionError("A co-facilitator must be a member of the project.", field="person")
    session.co_facilitators.add(person)
    record("live_session.co_facilitator_added", session, acting_user=acting_user, person_id=person.pk)


@transaction.atomic
def do_remove_co_facilitator(session: LiveSession, person, *, acting_user) -> None:
    session.co_facilitators.remove(person)
    record("live_session.co_facilitator_removed", session, acting_user=acting_user, person_id=person.pk)


# --- the timer -------------------------------------------------------------------------------------


@transaction.atomic
def do_start_session(
    session: LiveSession, *, acting_user, expected_version: int | None = None
) -> LiveSession:
    session = _locked(session)
    _check_version(session, expected_version)
    if not session.is_ready:
        raise LiveSessionError(
            "This session has already started." if session.is_live else "This session has finished."
        )
    first = session.phases.order_by("position").first()
    if first is None:
        raise LiveSessionError("Add at least one phase before starting.")
    now = timezone.now()
    first.started_at = now
    first.save(update_fields=["started_at"])
    session.status = LiveSession.Status.LIVE
    session.started_at = now
    session.current_phase = first
    session.phase_running_since = now
    session.phase_elapsed_seconds = 0
    session.phase_extra_seconds = 0
    _changed(
        session,
        [
            "status",
            "started_at",
            "current_phase",
            "phase_running_since",
            "phase_elapsed_seconds",
            "phase_extra_seconds",
        ],
    )
    record("live_session.started", session, acting_user=acting_user, phase_id=first.pk)
    happenings.session_started.announce(session=session)
    happenings.phase_started.announce(session=session, phase=first)
    return session


def _require_live(session: LiveSession) -> None:
    if session.is_ready:
        raise LiveSessionError("The session has not started yet.")
    if session.is_finished:
        raise LiveSessionError("This session has finished.")


@transaction.atomic
def do_pause_phase(session: LiveSession, *, acting_user, expected_version: int | None = None) -> LiveSession:
    session = _locked(session)
    _check_version(session, expected_version)
    _require_live(session)
    if session.phase_running_since is None:
        raise LiveSessionError("The timer is already paused.")
    now = timezone.now()
    session.phase_elapsed_seconds += max(0.0, (now - session.phase_running_since).total_seconds())
    session.phase_running_since = None
    _changed(session, ["phase_elapsed_seconds", "phase_running_since"])
    record("live_session.paused", session, acting_user=acting_user, phase_id=session.current_phase_id)
    return session


@transaction.atomic
def do_resume_phase(session: LiveSession, *, acting_user, expected_version: int | None = None) -> LiveSession:
    session = _locked(session)
    _check_version(session, expected_version)
    _require_live(session)
    if session.phase_running_since is not None:
        raise LiveSessionError("The timer is already running.")
    session.phase_running_since = timezone.now()
    _changed(session, ["phase_running_since"])
    record("live_session.resumed", session, acting_user=acting_user, phase_id=session.current_phase_id)
    return session


@transaction.atomic
def do_extend_phase(
    session: LiveSession, *, minutes: int, acting_user, expected_version: int | None = None
) -> LiveSession:
    session = _locked(session)
    _check_version(session, expected_version)
    _require_live(session)
    if not 1 <= minutes <= EXTEND_MINUTES_MAX:
        raise LiveSessionError(f"Extend by between 1 and {EXTEND_MINUTES_MAX} minutes.", field="minutes")
    session.phase_extra_seconds += minutes * 60
    _changed(session, ["phase_extra_seconds"])
    record(
        "live_session.extended",
        session,
        acting_user=acting_user,
        phase_id=session.current_phase_id,
        minutes=minutes,
    )
    return session


@transaction.atomic
def do_advance_phase(
    session: LiveSession, *, acting_user, expected_version: int | None = None
) -> LiveSession:
    """Move on to the next phase; its timer starts at once."""
    session = _locked(session)
    _check_version(session, expected_version)
    _require_live(session)
    current = session.current_phase
    following = session.phases.filter(position__gt=current.position).order_by("position").first()
    if following is None:
        raise LiveSessionError(
            "This is the last phase. Choose \u201cFinish the session\u201d to end the workshop."
        )
    now = timezone.now()
    current.ended_at = now
    current.save(update_fields=["ended_at"])
    following.started_at = now
    following.save(update_fields=["started_at"])
    session.current_phase = following
    session.phase_running_since = now
    session.phase_elapsed_seconds = 0
    session.phase_extra_seconds = 0
    _changed(
        session, ["current_phase", "phase_running_since", "phase_elapsed_seconds", "phase_extra_seconds"]
    )
    record(
        "live_session.advanced",
        session,
        acting_user=acting_user,
        from_phase_id=current.pk,
        to_phase_id=following.pk,
    )
    happenings.phase_started.announce(session=session, phase=following)
    return session


@transaction.atomic
def do_finish_session(
    session: LiveSession, *, acting_user, expected_version: int | None = None
) -> LiveSession:
    session = _locked(session)
    _check_version(session, expected_version)
    _require_live(session)
    now = timezone.now()
    if session.current_phase is not None:
        session.current_phase.ended_at = now
        session.current_phase.save(update_fields=["ended_at"])
    session.status = LiveSession.Status.FINISHED
    session.finished_at = now
    session.current_phase = None
    session.phase_running_since = None
    _changed(session, ["status", "finished_at", "current_phase", "phase_running_since"])
    record("live_session.finished", session, acting_user=acting_user)
    happenings.session_finished.announce(session=session)
    return session


# --- joining ---------------------------------------------------------------------------------------


SIGNED_IN_ONLY_MESSAGE = gettext_lazy(
    "This session is for people who are signed in. Please sign in, and you will come back here to join."
)


def clean_badge_name(badge_name: str) -> str:
    name = " ".join((badge_name or "").split())
    if not name:
        raise LiveSessionError("Please tell us the name to show on your badge.", field="badge_name")
    if len(name) > BADGE_NAME_MAX:
        raise LiveSessionError(
            f"Please keep your badge name to {BADGE_NAME_MAX} characters or fewer.", field="badge_name"
        )
    return name


def do_join_session(session: LiveSession, *, badge_name: str, person=None, acting_user=None) -> Participant:
    """Join ``session`` with a badge name; a signed-in ``person`` who already joined is recognised.

    Raises LiveSessionError with a message for the person when the session has finished, is full
    (``LiveSession.join_limit``), is for signed-in people only and ``person`` is not signed in, or
    someone there already uses that badge name.
    """
    person = person if getattr(person, "is_authenticated", False) else None
    if person is not None:
        existing = Participant.objects.filter(session=session, person=person).first()
        if existing is not None:
            return existing
    name = clean_badge_name(badge_name)
    try:
        with transaction.atomic():
            locked = _locked(session)
            if person is None and locked.signed_in_only:
                raise LiveSessionError(SIGNED_IN_ONLY_MESSAGE)
            if locked.is_finished:
                raise LiveSessionError(
                    "This session has finished, so it cannot be joined any more. Thank you for your interest."
                )
            limit = locked.join_limit
            if limit is not None and locked.participants.count() >= limit:
                raise LiveSessionError(
                    f"Sorry, this session is full: it has room for {limit} people. "
                    "Please speak to a facilitator, who may be able to make room."
                )
            if locked.participants.filter(badge_name__iexact=name).exists():
                raise LiveSessionError(
                    f"Someone here is already called {name}. Please add an initial or choose another name.",
                    field="badge_name",
                )
            participant = Participant.objects.create(session=locked, badge_name=name, person=person)
            record(
                "live_session.joined",
                locked,
                acting_user=acting_user or person,
                participant_id=participant.pk,
            )
            if person is not None:
                happenings.participant_joined.announce(participant=participant)
    except IntegrityError:  # the same name or person joined at the same instant
        if person is not None:
            existing = Participant.objects.filter(session=session, person=person).first()
            if existing is not None:
                return existing
        raise LiveSessionError(
            f"Someone here is already called {name}. Please add an initial or choose another name.",
            field="badge_name",
        ) from None
    return participant
