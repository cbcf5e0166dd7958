"""iCalendar (.ics) files: one event (download, e-mail attachment) and a person's private feed.

Times carry the event's own time zone (TZID plus a VTIMEZONE), so calendars show them correctly
wherever the reader is. The online joining link goes only into calendars of people with a place.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .availability import local
from .models import Event, Registration

PRODID = "-//Coproduce//Events//EN"


def _uid_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "coproduce.invalid"


def event_url(event: Event) -> str:
    return settings.SITE_URL + reverse("events:event_detail", args=[event.pk])


def _location(event: Event, include_joining_link: bool) -> str:
    online = event.online_joining_link if include_joining_link and event.online_joining_link else "Online"
    if event.format == Event.Format.ONLINE:
        return online
    venue = " ".join(event.venue.split()) or "Venue to be confirmed"
    if event.format == Event.Format.HYBRID:
        return (
            f"{venue} — or {online}"
            if include_joining_link and event.online_joining_link
            else f"{venue} — or online"
        )
    return venue


def _description(event: Event, include_joining_link: bool) -> str:
    parts = []
    if event.description:
        parts.append(event.description.strip())
    items = list(event.agenda_items.all())
    if items:
        lines = ["Agenda:"]
        for item in items:
            lines.append(f"- {item.title} ({item.duration_minutes} min)")
        parts.append("\n".join(lines))
    if event.format != Event.Format.ONLINE and event.access_information:
        parts.append("Access: " + event.access_information.strip())
    if event.format != Event.Format.IN_PERSON:
        if include_joining_link and event.online_joining_link:
            parts.append("Join online: " + event.online_joining_link)
        else:
            parts.append("The joining link is shown to people with a place, on the event page.")
    parts.append("Event page: " + event_url(event))
    return "\n\n".join(parts)


def event_component(event: Event, *, include_joining_link: bool, waitlisted: bool = False) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", f"event-{event.pk}@{_uid_host()}")
    component.add("dtstamp", timezone.now())
    component.add("dtstart", local(event, event.starts_at))
    component.add("dtend", local(event, event.ends_at))
    component.add("summary", f"Waitlist: {event.title}" if waitlisted else event.title)
    component.add("status", "TENTATIVE" if waitlisted else "CONFIRMED")
    component.add("location", _location(event, include_joining_link and not waitlisted))
    component.add("description", _description(event, include_joining_link and not waitlisted))
    component.add("url", event_url(event))
    return component


def _calendar(name: str | None = None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def _add_time_zones(calendar: icalendar.Calendar, events: list[Event]) -> None:
    """VTIMEZONE definitions covering a year either side of the events (not 1970-2038: files stay small)."""
    if events:
        first = min(event.starts_at for event in events).date() - timedelta(days=366)
        last = max(event.ends_at for event in events).date() + timedelta(days=366)
        calendar.add_missing_timezones(first_date=first, last_date=last)


def event_ics(event: Event, *, include_joining_link: bool, waitlisted: bool = False) -> bytes:
    """One event as an .ics file."""
    calendar = _calendar()
    calendar.add_component(
        event_component(event, include_joining_link=include_joining_link, waitlisted=waitlisted)
    )
    _add_time_zones(calendar, [event])
    return calendar.to_ical()


def feed_ics(registrations: Iterable[Registration]) -> bytes:
    """A person's calendar feed: events they have a place at, and (as tentative) ones they wait for."""
    calendar = _calendar("My Coproduce events")
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    events = []
    for registration in registrations:
        registered = registration.status == Registration.Status.REGISTERED
        calendar.add_component(
            event_component(registration.event, include_joining_link=registered, waitlisted=not registered)
        )
        events.append(registration.event)
    _add_time_zones(calendar, events)
    return calendar.to_ical()
