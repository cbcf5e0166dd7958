"""Every change to events, agendas, registrations and calendar feeds goes through here.

Anything that changes how many places are taken (signing up, cancelling, changing the capacity) first
locks the event's row (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite every write transaction
already takes the database's write lock when it begins). So two people signing up for the last place
at the same moment are served one after the other, and the capacity is never exceeded.

E-mails are queued only after the transaction commits, so nobody is told about a place that a rollback
took away.

A visitor (not signed in) must confirm their e-mail address before a place is theirs: see
``do_register_visitor_for_event``. Every change to an event's places first releases the visitors'
sign-ups whose time to confirm is over (``_release_lapsed``), and the background worker does the same
for every event (``do_release_expired_holds``), so a stale hold never keeps a place from anyone.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coproduce.core import happenings
from coproduce.core.audit import record
from coproduce.core.errors import ActionError
from coproduce.core.text import clean_line
from coproduce.people.actions import do_find_or_create_person
from coproduce.people.models import AccessNeed

from . import emails
from .access import waitlist_position
from .availability import Window, registration_window
from .models import AgendaItem, CalendarFeed, Event, Registration


class EventActionError(ActionError):
    """A change to events, agendas or registrations that cannot be made (see ActionError)."""


EDITABLE_EVENT_FIELDS = (
    "title",
    "description",
    "kind",
    "is_public",
    "starts_at",
    "ends_at",
    "time_zone",
    "format",
    "venue",
    "access_information",
    "online_joining_link",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
)


def _lock(event: Event) -> Event:
    """Re-read the event holding its row lock until the transaction ends."""
    return Event.objects.select_for_update().get(pk=event.pk)


def _check_title(title: str) -> str:
    """The title on one line (see ``core.text.clean_line``); refused if nothing is left."""
    title = clean_line(title)
    if not title:
        raise EventActionError("Enter a title.", field="title")
    return title


def _check_time_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise EventActionError("Enter a time zone such as Europe/London.", field="time_zone") from None


# ---------------------------------------------------------------------------------------------- events


def do_create_event(
    project,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    acting_user,
    description: str = "",
    kind: str = Event.Kind.WORKSHOP,
    is_public: bool = False,
    time_zone: str = "Europe/London",
    format: str = Event.Format.IN_PERSON,
    venue: str = "",
    access_information: str = "",
    online_joining_link: str = "",
    capacity: int | None = None,
    registration_opens_at: datetime | None = None,
    registration_closes_at: datetime | None = None,
) -> Event:
    """Create an event in ``project``. The caller has checked ``can_create_event``.

    The title is kept on one line: it becomes the subject of every e-mail about the event."""
    title = _check_title(title)
    if ends_at <= starts_at:
        raise EventActionError("The end must be after the start.", field="ends_at")
    _check_time_zone(time_zone)
    with transaction.atomic():
        event = Event.objects.create(
            project=project,
            title=title,
            description=description,
            kind=kind,
            is_public=is_public,
            starts_at=starts_at,
            ends_at=ends_at,
            time_zone=time_zone,
            format=format,
            venue=venue,
            access_information=access_information,
            online_joining_link=online_joining_link,
            capacity=capacity,
            registration_opens_at=registration_opens_at,
            registration_closes_at=registration_closes_at,
        )
        record("event.created", event, acting_user=acting_user, project=project.pk)
    return event


def do_update_event(event: Event, *, acting_user, notify: bool = True, **changes) -> Event:
    """Change some of an event's fields (names from ``EDITABLE_EVENT_FIELDS``).

    If the change frees places (a higher capacity, or no limit), people on the waitlist are given them
    in queue order and e-mailed. Lowering the capacity below the number registered takes nobody's place
    away: it only stops new sign-ups until enough people cancel.
    """
    unknown = set(changes) - set(EDITABLE_EVENT_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    if "time_zone" in changes:
        _check_time_zone(changes["time_zone"])
    if "title" in changes:
        changes["title"] = _check_title(changes["title"])
    with transaction.atomic():
        locked = _lock(event)
        changed = [name for name, value in changes.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, changes[name])
        if locked.ends_at <= locked.starts_at:
            raise EventActionError("The end must be after the start.", field="ends_at")
        if changed:
            locked.save(update_fields=changed)
            record("event.updated", locked, acting_user=acting_user, fields=sorted(changed))
        _, promoted = _release_lapsed(locked, now=timezone.now())
        if "capacity" in changed:
            promoted += _fill_free_places(locked, acting_user=acting_user)
        if notify:
            _after_commit_send_promoted(promoted)
    for name in changed:
        setattr(event, name, getattr(locked, name))
    return event


# ------------------------------------------------------------------------------------------ sign-up


def _clean_access_needs(access_needs) -> list[str]:
    codes = list(dict.fromkeys(access_needs or []))  # keep order, drop repeats
    unknown = [code for code in codes if code not in AccessNeed.values]
    if unknown:
        raise EventActionError("Choose access needs from the list.", field="access_needs")
    return codes


def _attendance_for(event: Event, attendance: str | None) -> str:
    if event.format == Event.Format.IN_PERSON:
        return Registration.Attendance.IN_PERSON
    if event.format == Event.Format.ONLINE:
        return Registration.Attendance.ONLINE
    if attendance not in Registration.Attendance.values:
        raise EventActionError("Choose whether you will take part in person or online.", field="attendance")
    return attendance


def _status_for_new_registration(event: Event, *, confirmed: bool, now: datetime) -> str:
    """A place (held, for a visitor yet to confirm) if one is free, else the waitlist.

    Call only while holding the event's lock, after releasing lapsed sign-ups.
    """
    if event.capacity is not None:
        taken = Registration.objects.filter(event=event).taking_places(now).count()
        if taken >= event.capacity:
            return Registration.Status.WAITLISTED
    return Registration.Status.REGISTERED if confirmed else Registration.Status.HELD


def _release_lapsed(event: Event, *, now: datetime) -> tuple[int, list[Registration]]:
    """Release visitors' sign-ups whose time to confirm is over; give freed places to people waiting.

    Call holding the event's lock (every change to an event's places does, first). Returns how many
    sign-ups lapsed and who was given a place.
    """
    lapsed = list(Registration.objects.select_for_update().filter(event=event).lapsed(now))
    freed = False
    for registration in lapsed:
        had_place = registration.status == Registration.Status.HELD
        freed = freed or had_place
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        # Nobody was told of a place (place_confirmed is announced on confirmation), so no happening.
        record("registration.lapsed", registration, acting_user=None, event=event.pk, had_place=had_place)
    return len(lapsed), (_fill_free_places(event, acting_user=None) if freed else [])


def _confirm(registration: Registration, *, acting_user, notify: bool) -> None:
    """Confirm a locked, unconfirmed, unlapsed sign-up: a held place becomes the person's."""
    registration.confirm_by = None
    fields = ["confirm_by"]
    if registration.status == Registration.Status.HELD:
        registration.status = Registration.Status.REGISTERED
        fields.append("status")
    registration.save(update_fields=fields)
    record(
        "registration.confirmed",
        registration,
        acting_user=acting_user,
        event=registration.event_id,
        status=registration.status,
    )
    if registration.status == Registration.Status.REGISTERED:
        happenings.place_confirmed.announce(registration=registration)
        if notify:
            transaction.on_commit(lambda: emails.send_place_confirmed(registration))


def _register(
    event: Event,
    person,
    *,
    access_needs: list[str],
    details: str,
    attendance: str | None,
    acting_user,
    notify: bool,
    confirm_by: datetime | None,
) -> tuple[Registration, bool]:
    with transaction.atomic():
        locked = _lock(event)
        now = timezone.now()
        _, promoted = _release_lapsed(locked, now=now)
        if notify:
            _after_commit_send_promoted(promoted)
        existing = (
            Registration.objects.select_for_update()
            .filter(event=locked, person=person)
            .exclude(status=Registration.Status.CANCELLED)
            .first()
        )
        if existing:
            if not existing.is_confirmed:
                if confirm_by is None:  # signed in now: the address is theirs
                    _confirm(existing, acting_user=acting_user, notify=notify)
                elif notify:  # the visitor again: perhaps the first e-mail went astray
                    transaction.on_commit(lambda: emails.send_confirmation_request(existing))
            return existing, False
        window = registration_window(locked)
        if window is Window.NOT_YET_OPEN:
            raise EventActionError("Sign-up for this event has not opened yet.")
        if window is Window.CLOSED:
            raise EventActionError("Sign-up for this event has closed.")
        registration = Registration.objects.create(
            event=locked,
            person=person,
            status=_status_for_new_registration(locked, confirmed=confirm_by is None, now=now),
            attendance=_attendance_for(locked, attendance),
            access_needs=_clean_access_needs(access_needs),
            access_needs_details=(details or "").strip(),
            confirm_by=confirm_by,
        )
        record(
            "registration.created",
            registration,
            acting_user=acting_user,
            event=locked.pk,
            status=registration.status,
        )
        position = waitlist_position(registration)
        if registration.status == Registration.Status.REGISTERED:
            happenings.place_confirmed.announce(registration=registration)
        if notify:
            if registration.status == Registration.Status.REGISTERED:
                transaction.on_commit(lambda: emails.send_place_confirmed(registration))
            elif not registration.is_confirmed:
                transaction.on_commit(lambda: emails.send_confirmation_request(registration, position))
            else:
                transaction.on_commit(lambda: emails.send_waitlist_notice(registration, position))
    return registration, True


def do_register_for_event(
    event: Event,
    person,
    *,
    access_needs: list[str],
    details: str,
    attendance: str | None,
    acting_user,
    notify: bool = True,
) -> tuple[Registration, bool]:
    """Sign up a signed-in ``person``: a place if one is free, otherwise the back of the waitlist.

    Signing in proved the person's e-mail address, so the place is theirs at once (``place_confirmed``).
    Returns ``(registration, created)``. Signing up again while registered or waiting changes nothing
    and returns the existing registration with ``created=False`` — except that a sign-up still waiting
    for its address to be confirmed (made as a visitor) is confirmed. ``access_needs`` are AccessNeed
    codes that apply to this event; ``attendance`` ("in_person" or "online") matters only at hybrid
    events. Queues the confirmation (with an .ics invitation) or the waitlist notice after commit.
    Raises EventActionError when sign-up is not open or the input is invalid.
    """
    return _register(
        event,
        person,
        access_needs=access_needs,
        details=details,
        attendance=attendance,
        acting_user=acting_user,
        notify=notify,
        confirm_by=None,
    )


def place_hold() -> timedelta:
    """How long a visitor has to confirm their e-mail address (settings.EVENTS_PLACE_HOLD_MINUTES)."""
    return timedelta(minutes=settings.EVENTS_PLACE_HOLD_MINUTES)


def do_register_visitor_for_event(
    event: Event,
    *,
    email: str,
    badge_name: str,
    access_needs: list[str],
    details: str,
    attendance: str | None,
    notify: bool = True,
) -> tuple[Registration, bool]:
    """Sign up someone who is not signed in, from just a name and an e-mail address (public events only).

    Anyone can type any address, so nothing is given until the address is confirmed: a free place is
    *held* (it counts as taken) and they are e-mailed a link to confirm it within
    :func:`place_hold`; if the event is full, they join the waitlist on the same terms. Unconfirmed
    sign-ups lapse and free places go to the people waiting (see :func:`do_release_expired_holds`).
    Finds or creates the person by e-mail (an existing person's badge name is kept) and registers them,
    in one transaction: no account is left behind if the sign-up is refused.
    """
    if not event.is_public:
        raise EventActionError("Sign in to sign up for this event.")
    with transaction.atomic():
        person, _ = do_find_or_create_person(email=email, badge_name=badge_name, acting_user=None)
        return _register(
            event,
            person,
            access_needs=access_needs,
            details=details,
            attendance=attendance,
            acting_user=None,
            notify=notify,
            confirm_by=timezone.now() + place_hold(),
        )


def do_confirm_registration(registration: Registration, *, acting_user, notify: bool = True) -> Registration:
    """Confirm a visitor's sign-up: they opened the link we e-mailed, so the address is theirs.

    A held place becomes theirs (``place_confirmed``; the e-mail with the calendar invitation is queued);
    a waitlist spot keeps its position. Confirming again changes nothing. Raises EventActionError when
    the time to confirm is over or the sign-up was cancelled (the place has gone to someone else).
    """
    with transaction.atomic():
        _lock(registration.event)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status == Registration.Status.CANCELLED or current.has_lapsed:
            raise EventActionError(
                "The time to confirm this sign-up ran out, so the place went to the next person. "
                "You can sign up again if there is still room."
            )
        if not current.is_confirmed:
            _confirm(current, acting_user=acting_user, notify=notify)
    registration.status, registration.confirm_by = current.status, current.confirm_by
    return registration


@dataclass(frozen=True)
class ReleasedHolds:
    lapsed: int
    promoted: int

    def __str__(self) -> str:
        return f"{self.lapsed} unconfirmed sign-ups lapsed, {self.promoted} people given a place"


def do_release_expired_holds(*, acting_user=None) -> ReleasedHolds:
    """Release every visitor's sign-up whose time to confirm is over, at every event, and give the
    freed places to the people waiting (who are e-mailed). Run by the background worker; safe to run
    anywhere, at any time, in several processes at once (each event is changed under its lock)."""
    now = timezone.now()
    lapsed = promoted = 0
    for event_id in set(Registration.objects.lapsed(now).values_list("event_id", flat=True)):
        with transaction.atomic():
            locked = Event.objects.select_for_update().get(pk=event_id)
            count, given = _release_lapsed(locked, now=now)
            _after_commit_send_promoted(given)
        lapsed, promoted = lapsed + count, promoted + len(given)
    return ReleasedHolds(lapsed=lapsed, promoted=promoted)


def _fill_free_places(event: Event, *, acting_user) -> list[Registration]:
    """Give free places to the people waiting, first in the queue first. Call holding the event's lock.

    A visitor still to confirm their address gets the place *held* until their own deadline.
    """
    if event.starts_at <= timezone.now():
        return []
    now = timezone.now()
    queue = (
        Registration.objects.filter(event=event)
        .waiting(now)
        .select_related("person", "event")
        .order_by("created_at", "id")
    )
    if event.capacity is not None:
        free = event.capacity - Registration.objects.filter(event=event).taking_places(now).count()
        if free <= 0:
            return []
        queue = queue[:free]
    promoted = []
    for registration in queue:
        registration.status = (
            Registration.Status.REGISTERED if registration.is_confirmed else Registration.Status.HELD
        )
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        record(
            "registration.promoted",
            registration,
            acting_user=acting_user,
            event=event.pk,
            status=registration.status,
        )
        if registration.status == Registration.Status.REGISTERED:
            happenings.place_confirmed.announce(registration=registration)
        promoted.append(registration)
    return promoted


def _after_commit_send_promoted(promoted: list[Registration]) -> None:
    for registration in promoted:
        transaction.on_commit(lambda r=registration: emails.send_promoted(r))


def do_cancel_registration(
    registration: Registration, *, acting_user, notify: bool = True
) -> list[Registration]:
    """Cancel a place or leave the waitlist. A freed place goes to the first person waiting, who is e-mailed.

    Returns the registrations promoted from the waitlist (usually none or one). Cancelling twice
    changes nothing. Raises EventActionError once the event has started.
    """
    with transaction.atomic():
        event = _lock(registration.event)
        _, promoted = _release_lapsed(event, now=timezone.now())
        if notify:
            _after_commit_send_promoted(promoted)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status == Registration.Status.CANCELLED:
            registration.status, registration.cancelled_at = current.status, current.cancelled_at
            return promoted
        if event.starts_at <= timezone.now():
            raise EventActionError(
                "This event has already started, so the sign-up can no longer be cancelled."
            )
        if current.checked_in_at is not None:
            raise EventActionError("You have already been checked in at this event.")
        was_registered = current.status in (Registration.Status.REGISTERED, Registration.Status.HELD)
        current.status = Registration.Status.CANCELLED
        current.cancelled_at = timezone.now()
        current.save(update_fields=["status", "cancelled_at"])
        record(
            "registration.cancelled",
            current,
            acting_user=acting_user,
            event=event.pk,
            had_place=was_registered,
        )
        happenings.registration_cancelled.announce(registration=current)
        freed = _fill_free_places(event, acting_user=acting_user) if was_registered else []
        if notify:
            _after_commit_send_promoted(freed)
    registration.status, registration.cancelled_at = current.status, current.cancelled_at
    return promoted + freed


def do_check_in(registration: Registration, *, acting_user) -> Registration:
    """Record that a person with a place has arrived. Checking in twice keeps the first time."""
    with transaction.atomic():
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status != Registration.Status.REGISTERED:
            raise EventActionError("Only people with a place can be checked in.")
        if current.checked_in_at is None:
            current.checked_in_at = timezone.now()
            current.save(update_fields=["checked_in_at"])
            record("registration.checked_in", current, acting_user=acting_user, event=current.event_id)
            happenings.attendance_recorded.announce(registration=current)
    registration.checked_in_at = current.checked_in_at
    return registration


def do_undo_check_in(registration: Registration, *, acting_user) -> Registration:
    """Take back a check-in made by mistake."""
    with transaction.atomic():
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.checked_in_at is not None:
            current.checked_in_at = None
            current.save(update_fields=["checked_in_at"])
            record("registration.check_in_undone", current, acting_user=acting_user, event=current.event_id)
            happenings.attendance_undone.announce(registration=current)
    registration.checked_in_at = None
    return registration


# ------------------------------------------------------------------------------------------- agenda


def do_add_agenda_item(
    event: Event, *, title: str, duration_minutes: int, purpose: str = "", acting_user
) -> AgendaItem:
    """Add an item at the end of the agenda."""
    title = clean_line(title)
    with transaction.atomic():
        _lock(event)
        last = event.agenda_items.aggregate(last=Max("position"))["last"] or 0
        item = AgendaItem.objects.create(
            event=event, position=last + 1, title=title, purpose=purpose, duration_minutes=duration_minutes
        )
        record("agenda_item.added", item, acting_user=acting_user, event=event.pk)
    return item


def do_update_agenda_item(
    item: AgendaItem, *, title: str, duration_minutes: int, purpose: str = "", acting_user
) -> AgendaItem:
    with transaction.atomic():
        item.title, item.duration_minutes, item.purpose = clean_line(title), duration_minutes, purpose
        item.save(update_fields=["title", "duration_minutes", "purpose"])
        record("agenda_item.updated", item, acting_user=acting_user, event=item.event_id)
    return item


def do_move_agenda_item(item: AgendaItem, *, direction: str, acting_user) -> AgendaItem:
    """Swap the item with the one before it ("up") or after it ("down"). At either end, nothing changes."""
    if direction not in ("up", "down"):
        raise ValueError("direction must be 'up' or 'down'")
    with transaction.atomic():
        _lock(item.event)
        items = list(AgendaItem.objects.filter(event_id=item.event_id).order_by("position", "id"))
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        neighbour_index = index - 1 if direction == "up" else index + 1
        if not 0 <= neighbour_index < len(items):
            return item
        current, neighbour = items[index], items[neighbour_index]
        mine, theirs = current.position, neighbour.position
        # Positions are unique per event, so park this item past the end while the two swap.
        current.position = max(other.position for other in items) + 1
        current.save(update_fields=["position"])
        neighbour.position = mine
        neighbour.save(update_fields=["position"])
        current.position = theirs
        current.save(update_fields=["position"])
        record(
            "agenda_item.moved", current, acting_user=acting_user, event=item.event_id, direction=direction
        )
    item.position = current.position
    return item


def do_remove_agenda_item(item: AgendaItem, *, acting_user) -> None:
    with transaction.atomic():
        record("agenda_item.removed", item, acting_user=acting_user, event=item.event_id)
        item.delete()


# ----------------------------------------------------------------------------------- calendar feeds


def do_renew_calendar_feed(person, *, acting_user) -> CalendarFeed:
    """Give the person a private calendar address; any earlier address stops working at once."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.update_or_create(
            person=person, defaults={"token": secrets.token_urlsafe(32)}
        )
        record("calendar_feed.created" if created else "calendar_feed.renewed", feed, acting_user=acting_user)
    return feed


def do_turn_off_calendar_feed(person, *, acting_user) -> None:
    with transaction.atomic():
        feed = CalendarFeed.objects.filter(person=person).first()
        if feed:
            record("calendar_feed.turned_off", feed, acting_user=acting_user)
            feed.delete()
