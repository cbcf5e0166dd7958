"""E-mails about a person's place at an event. Sent by actions after their transaction commits."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from coproduce.core.text import clean_line

from .availability import when_text
from .calendar import event_ics, event_url
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
    # A subject must be one line (a line break in a header is refused); titles are cleaned when they
    # are saved, and this keeps a title saved before that from stopping every e-mail about its event.
    message = EmailMessage(subject=clean_line(subject), body=body, to=[registration.person.email])
    if attach_ics:
        message.attach(
            f"event-{registration.event_id}.ics",
            event_ics(registration.event, include_joining_link=True),
            ICS_CONTENT_TYPE,
        )
    message.send()


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
    _send(registration, "promoted", f"A place came up for you: {registration.event.title}", attach_ics=True)
