"""How many places an event has left, whether sign-up is open, and how to say so in plain English."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from .models import Event, Registration


@dataclass(frozen=True)
class Places:
    """``registered``: confirmed places; ``held``: places held for visitors still to confirm their
    address (they count as taken until they lapse); ``waiting``: the waitlist."""

    capacity: int | None
    registered: int
    waiting: int
    held: int = 0

    @property
    def left(self) -> int | None:
        """Places still free; None when there is no limit. Never negative, even if capacity was lowered."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.registered - self.held, 0)

    @property
    def is_full(self) -> bool:
        return self.left == 0

    @property
    def text(self) -> str:
        """E.g. "3 places left", "1 place left", "Full — join the waitlist (2 waiting)"."""
        if self.capacity is None:
            return "Places available (no limit)"
        if self.left:
            return f"{self.left} place{'' if self.left == 1 else 's'} left"
        if self.waiting:
            return f"Full — join the waitlist ({self.waiting} waiting)"
        return "Full — join the waitlist"


def _unlapsed(prefix: str, now: datetime) -> Q:
    """Not a visitor's sign-up whose time to confirm is over: such a place is already free."""
    return Q(**{f"{prefix}confirm_by__isnull": True}) | Q(**{f"{prefix}confirm_by__gt": now})


def with_place_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate ``registered_count``, ``held_count`` and ``waiting_count`` (a list shows places without
    a query each)."""
    now = timezone.now()
    live = _unlapsed("registrations__", now)
    return events.annotate(
        registered_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)
        ),
        held_count=Count("registrations", filter=Q(registrations__status=Registration.Status.HELD) & live),
        waiting_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED) & live
        ),
    )


def places_for(event: Event) -> Places:
    registered = getattr(event, "registered_count", None)
    held = getattr(event, "held_count", None)
    waiting = getattr(event, "waiting_count", None)
    if registered is None or held is None or waiting is None:
        counts = dict(
            event.registrations.exclude(status=Registration.Status.CANCELLED)
            .filter(_unlapsed("", timezone.now()))
            .order_by()
            .values("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        registered = counts.get(Registration.Status.REGISTERED, 0)
        held = counts.get(Registration.Status.HELD, 0)
        waiting = counts.get(Registration.Status.WAITLISTED, 0)
    return Places(capacity=event.capacity, registered=registered, waiting=waiting, held=held)


class Window(Enum):
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"


def registration_window(event: Event, now: datetime | None = None) -> Window:
    """Sign-up is open from ``registration_opens_at`` (or now) until ``registration_closes_at``.

    It always closes when the event starts, even if ``registration_closes_at`` is later or unset.
    """
    now = now or timezone.now()
    if event.registration_opens_at and now < event.registration_opens_at:
        return Window.NOT_YET_OPEN
    closes = event.registration_closes_at or event.starts_at
    if now >= min(closes, event.starts_at):
        return Window.CLOSED
    return Window.OPEN


def local(event: Event, moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(event.time_zone))


def format_day(moment: datetime) -> str:
    """E.g. "Tuesday 3 March 2027"."""
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def format_time(moment: datetime) -> str:
    """E.g. "6:30pm", "10am", "12 noon"."""
    if moment.hour == 12 and moment.minute == 0:
        return "12 noon"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def window_text(event: Event, now: datetime | None = None) -> str:
    state = registration_window(event, now)
    if state is Window.NOT_YET_OPEN:
        opens = local(event, event.registration_opens_at)
        return f"Sign-up opens on {format_day(opens)} at {format_time(opens)}."
    if state is Window.CLOSED:
        return "Sign-up for this event has closed."
    return ""


def deadline_text(event: Event, moment: datetime) -> str:
    """E.g. "3:45pm on Friday 4 December 2026 (UK time)", in the event's own time zone."""
    at = local(event, moment)
    zone = _zone_text(event)
    return gettext("%(time)s on %(day)s (%(zone)s)") % {
        "time": format_time(at),
        "day": format_day(at),
        "zone": zone,
    }


def _zone_text(event: Event) -> str:
    return "UK time" if event.time_zone == "Europe/London" else event.time_zone.replace("_", " ") + " time"


def when_text(event: Event) -> str:
    """E.g. "Tuesday 3 March 2027, 6:30pm to 7:30pm (UK time)", in the event's own time zone."""
    start, end = local(event, event.starts_at), local(event, event.ends_at)
    zone = _zone_text(event)
    if start.date() == end.date():
        return f"{format_day(start)}, {format_time(start)} to {format_time(end)} ({zone})"
    return f"{format_day(start)}, {format_time(start)} to {format_day(end)}, {format_time(end)} ({zone})"
