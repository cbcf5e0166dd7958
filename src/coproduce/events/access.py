"""Reads with permission applied. An event a person may not see does not exist for them (404)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.http import Http404
from django.utils import timezone

from coproduce.partnerships.models import Project

from . import confirmation, permissions
from .availability import with_place_counts
from .models import AgendaItem, CalendarFeed, Event, Registration

# The public page's time-of-day filters are defined in UK local time, whatever the event's own zone.
LONDON = ZoneInfo("Europe/London")
EVENING_STARTS_AT_HOUR = 17
SATURDAY, SUNDAY = 6, 7  # ISO weekdays


def event_or_404(event_id) -> Event:
    """The event with this id, with its project, or "not found". Apply a permission check after it."""
    try:
        return Event.objects.select_related("project").get(pk=event_id)
    except (Event.DoesNotExist, ValueError, TypeError):
        raise Http404("No such event.") from None


def access_event_by_id(user, event_id) -> Event:
    """The event if the user may see it; otherwise "not found", whether or not it exists."""
    event = event_or_404(event_id)
    if not permissions.can_view_event(user, event):
        raise Http404("No such event.")
    return event


def access_event_for_registration_by_id(user, event_id) -> Event:
    event = event_or_404(event_id)
    if not permissions.can_register_for_event(user, event):
        raise Http404("No such event.")
    return event


def access_managed_event_by_id(user, event_id) -> Event:
    """The event if the user coordinates or facilitates its project; otherwise "not found"."""
    event = event_or_404(event_id)
    if not permissions.can_manage_event(user, event):
        raise Http404("No such event.")
    return event


def access_managed_agenda_item_by_id(user, event_id, item_id) -> tuple[Event, AgendaItem]:
    """An agenda item of an event the user organises, with its event; otherwise "not found"."""
    event = access_managed_event_by_id(user, event_id)
    try:
        return event, event.agenda_items.get(pk=item_id)
    except (AgendaItem.DoesNotExist, ValueError, TypeError):
        raise Http404("No such agenda item.") from None


def access_registration_for_check_in_by_id(user, event_id, registration_id) -> tuple[Event, Registration]:
    """A registration holding a place at an event the user organises, with its event and person."""
    event = access_managed_event_by_id(user, event_id)
    try:
        registration = Registration.objects.select_related("person").get(
            pk=registration_id, event=event, status=Registration.Status.REGISTERED
        )
    except (Registration.DoesNotExist, ValueError, TypeError):
        raise Http404("No such registration.") from None
    return event, registration


def _project_or_404(project_id) -> Project:
    try:
        return Project.objects.get(pk=project_id)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise Http404("No such project.") from None


def access_project_events_by_id(user, project_id) -> Project:
    project = _project_or_404(project_id)
    if not permissions.can_view_project_events(user, project):
        raise Http404("No such project.")
    return project


def access_project_for_new_event_by_id(user, project_id) -> Project:
    project = _project_or_404(project_id)
    if not permissions.can_create_event(user, project):
        raise Http404("No such project.")
    return project


def access_own_registration_by_id(user, registration_id) -> Registration:
    """The user's own registration; anybody else's is "not found"."""
    try:
        registration = Registration.objects.select_related("event", "event__project").get(pk=registration_id)
    except (Registration.DoesNotExist, ValueError, TypeError):
        raise Http404("No such registration.") from None
    if not permissions.can_cancel_registration(user, registration):
        raise Http404("No such registration.")
    return registration


def access_registration_by_confirmation_token(token: str) -> Registration:
    """The sign-up a confirmation link names; "not found" for a link we did not make.

    The token is the only key (like a calendar feed's): whoever holds the e-mail may confirm.
    """
    registration_id = confirmation.registration_id_from_token(token)
    if registration_id is None:
        raise Http404("No such sign-up.")
    try:
        return Registration.objects.select_related("event", "person").get(pk=registration_id)
    except Registration.DoesNotExist:
        raise Http404("No such sign-up.") from None


def _active(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """Not cancelled, and not a visitor's sign-up whose time to confirm is over (it is being released)."""
    return registrations.exclude(status=Registration.Status.CANCELLED).exclude(confirm_by__lte=timezone.now())


def agenda_items(event: Event) -> QuerySet[AgendaItem]:
    """The event's agenda, in running order. Call after the event's own access check."""
    return event.agenda_items.all()


def active_registration(person, event: Event) -> Registration | None:
    if not getattr(person, "is_authenticated", False):
        return None
    return _active(Registration.objects.filter(event=event, person=person)).first()


def waitlist(event: Event) -> QuerySet[Registration]:
    """People waiting for a place, first in the queue first (visitors still to confirm included)."""
    return (
        Registration.objects.filter(event=event)
        .waiting()
        .select_related("person")
        .order_by("created_at", "id")
    )


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting; None for anyone not on the waitlist."""
    if registration.status != Registration.Status.WAITLISTED:
        return None
    ahead = (
        Registration.objects.filter(event_id=registration.event_id)
        .waiting()
        .filter(
            Q(created_at__lt=registration.created_at)
            | Q(created_at=registration.created_at, id__lt=registration.id)
        )
    )
    return ahead.count() + 1


def registered_people(event: Event) -> QuerySet[Registration]:
    """People whose place is confirmed: the check-in list, the access plan."""
    return (
        Registration.objects.filter(event=event, status=Registration.Status.REGISTERED)
        .select_related("person")
        .order_by("person__badge_name", "id")
    )


def held_places(event: Event) -> QuerySet[Registration]:
    """Places held for visitors who have not yet confirmed their e-mail address, soonest to lapse first."""
    return (
        Registration.objects.filter(event=event).held().select_related("person").order_by("confirm_by", "id")
    )


@dataclass
class MyRegistration:
    registration: Registration
    waitlist_position: int | None


@dataclass
class MyEvents:
    upcoming: list[MyRegistration] = field(default_factory=list)
    past: list[MyRegistration] = field(default_factory=list)


def my_events(person, now: datetime | None = None) -> MyEvents:
    """A person's active sign-ups, upcoming first by date, then past ones most recent first."""
    now = now or timezone.now()
    result = MyEvents()
    registrations = (
        _active(Registration.objects.filter(person=person))
        .select_related("event", "event__project")
        .order_by("event__starts_at", "id")
    )
    for registration in registrations:
        item = MyRegistration(registration, waitlist_position(registration))
        (result.upcoming if registration.event.ends_at > now else result.past).append(item)
    result.past.reverse()
    return result


def project_events(project: Project) -> QuerySet[Event]:
    return with_place_counts(project.events.all()).order_by("-starts_at", "-id")


def own_calendar_feed(user) -> CalendarFeed | None:
    """The user's private calendar feed, or None when they have not turned it on."""
    return CalendarFeed.objects.filter(person=user).first()


def feed_by_token(token: str) -> CalendarFeed:
    """The calendar feed with this token, or "not found" (also for revoked or replaced tokens)."""
    if not token or len(token) > 64:
        raise Http404("No such calendar.")
    try:
        return CalendarFeed.objects.select_related("person").get(token=token)
    except CalendarFeed.DoesNotExist:
        raise Http404("No such calendar.") from None


def feed_registrations(person, now: datetime | None = None) -> QuerySet[Registration]:
    """What a calendar feed lists: active sign-ups for events that ended no more than 90 days ago."""
    now = now or timezone.now()
    return (
        _active(Registration.objects.filter(person=person, event__ends_at__gte=now - timedelta(days=90)))
        .select_related("event", "event__project")
        .prefetch_related("event__agenda_items")
        .order_by("event__starts_at")
    )


class TimeOfDay:
    DAYTIME = "daytime"
    EVENING = "evening"
    WEEKEND = "weekend"


def _london_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def upcoming_public_events(
    *,
    formats: list[str] | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    times_of_day: list[str] | None = None,
    now: datetime | None = None,
) -> QuerySet[Event]:
    """Public events that have not started yet, soonest first, with place counts.

    Filters combine with "and"; the choices within one filter with "or":
    - ``formats``: "in_person" and "online" also match hybrid events (you can take part that way);
      "hybrid" matches hybrid events only.
    - ``start_date`` / ``end_date``: inclusive days, in UK local time.
    - ``times_of_day``, in UK local time: "daytime" starts before 17:00, "evening" starts at 17:00 or
      later (any day of the week), "weekend" starts on a Saturday or Sunday (any time).
    """
    now = now or timezone.now()
    events = Event.objects.filter(is_public=True, starts_at__gt=now).select_related("project")
    if formats:
        wanted = set(formats)
        if wanted & {Event.Format.IN_PERSON, Event.Format.ONLINE}:
            wanted.add(Event.Format.HYBRID)
        events = events.filter(format__in=wanted)
    if start_date:
        events = events.filter(starts_at__gte=_london_midnight(start_date))
    if end_date:
        events = events.filter(starts_at__lt=_london_midnight(end_date + timedelta(days=1)))
    if times_of_day:
        events = events.annotate(
            local_hour=ExtractHour("starts_at", tzinfo=LONDON),
            local_weekday=ExtractIsoWeekDay("starts_at", tzinfo=LONDON),
        )
        condition = Q()
        if TimeOfDay.DAYTIME in times_of_day:
            condition |= Q(local_hour__lt=EVENING_STARTS_AT_HOUR)
        if TimeOfDay.EVENING in times_of_day:
            condition |= Q(local_hour__gte=EVENING_STARTS_AT_HOUR)
        if TimeOfDay.WEEKEND in times_of_day:
            condition |= Q(local_weekday__in=[SATURDAY, SUNDAY])
        events = events.filter(condition)
    return with_place_counts(events).order_by("starts_at", "id")
