"""What events hold about a person, for their data download and for erasure (see ``people.data_rights``).

On erasure, upcoming sign-ups are cancelled (so the place goes to whoever is waiting), the access needs
stated for each event are cleared, and the private calendar address is turned off. Past sign-ups stay,
with their attendance, under the anonymised "Former participant": they only count.
"""

from __future__ import annotations

from django.utils import timezone

from coproduce.people.data_rights import register
from coproduce.people.models import AccessNeed

from .actions import do_cancel_registration
from .models import CalendarFeed, Registration


def export_registrations(person) -> dict:
    labels = dict(AccessNeed.choices)

    def when(moment):
        return moment.isoformat() if moment else None

    registrations = (
        Registration.objects.filter(person=person).select_related("event").order_by("created_at", "id")
    )
    return {
        "sign_ups": [
            {
                "event": r.event.title,
                "starts_at": when(r.event.starts_at),
                "status": r.get_status_display(),
                "taking_part": r.get_attendance_display(),
                "access_needs": [labels.get(code, code) for code in r.access_needs],
                "access_needs_details": r.access_needs_details,
                "signed_up_at": when(r.created_at),
                "given_a_place_from_the_waitlist_at": when(r.promoted_at),
                "cancelled_at": when(r.cancelled_at),
                "checked_in_at": when(r.checked_in_at),
            }
            for r in registrations
        ],
        "has_private_calendar_address": CalendarFeed.objects.filter(person=person).exists(),
    }


def erase_registrations(person, *, acting_user) -> dict[str, int]:
    upcoming = (
        Registration.objects.filter(person=person, event__starts_at__gt=timezone.now())
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("event")
    )
    cancelled = 0
    for registration in upcoming:
        do_cancel_registration(registration, acting_user=acting_user)
        cancelled += 1
    cleared = Registration.objects.filter(person=person).update(access_needs=[], access_needs_details="")
    feeds, _ = CalendarFeed.objects.filter(person=person).delete()
    counts = {
        "upcoming_sign_ups_cancelled": cancelled,
        "sign_ups_cleared": cleared,
        "calendar_addresses": feeds,
    }
    return {name: n for name, n in counts.items() if n}  # only what changed goes into the audit row


register("events", export=export_registrations, erase=erase_registrations)
