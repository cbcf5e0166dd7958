"""E-mails about a person's place at an event. Queued by actions after their transaction commits.

Each is rendered now and queued in the outbox (``core.outbox``); the background worker sends it.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext

from coproduce.core.outbox import queue_email

from .access import waitlist_position
from .availability import deadline_text, when_text
from .calendar import event_ics, event_url
from .confirmation import confirmation_url
from .models import Registration

ICS_CONTENT_TYPE = "text/calendar; method=PUBLISH; charset=UTF-8"


def _context(registration: Registration, **extra) -> dict:
    event = registration.event
    return {
        "registration": registration,
        "event": event,
        "person": registration.person,
        "when": when_text(event),
        "event_url": event_url(event),
        "my_events_url": settings.SITE_URL + reverse("events:my_events"),
        "show_joining_link": registration.status == Registration.Status.REGISTERED
        and event.format != event.Format.IN_PERSON
        and bool(event.online_joining_link),
        **extra,
    }


def _send(registration: Registration, template: str, subject: str, *, attach_ics: bool, **extra) -> None:
    body = render_to_string(f"events/email/{template}.txt", _context(registration, **extra))
    attachments = []
    if attach_ics:
        attachments.append(
            (
                f"event-{registration.event_id}.ics",
                event_ics(registration.event, include_joining_link=True),
                ICS_CONTENT_TYPE,
            )
        )
    queue_email(to=registration.person.email, subject=subject, body=body, attachments=attachments)


def send_place_confirmed(registration: Registration) -> None:
    _send(registration, "place_confirmed", f"Your place: {registration.event.title}", attach_ics=True)


def send_waitlist_notice(registration: Registration, position: int) -> None:
    _send(
        registration,
        "waitlisted",
        f"You are on the waitlist: {registration.event.title}",
        attach_ics=False,
        position=position,
    )


def send_promoted(registration: Registration) -> None:
    if not registration.is_confirmed:  # a visitor still to confirm: the place is held for them
        send_confirmation_request(registration)
        return
    _send(registration, "promoted", f"A place came up for you: {registration.event.title}", attach_ics=True)


def send_confirmation_request(registration: Registration, position: int | None = None) -> None:
    """Ask a visitor to confirm their address by a link: for a held place or a spot on the waitlist."""
    title = registration.event.title
    if registration.status == Registration.Status.HELD:
        subject = gettext("Confirm your place: %(title)s") % {"title": title}
    else:
        subject = gettext("Confirm your place on the waitlist: %(title)s") % {"title": title}
    _send(
        registration,
        "confirm",
        subject,
        attach_ics=False,
        position=position or waitlist_position(registration),
        confirm_url=confirmation_url(registration),
        deadline=deadline_text(registration.event, registration.confirm_by),
    )
