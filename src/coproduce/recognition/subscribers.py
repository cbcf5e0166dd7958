"""Recognition's subscribers to upstream happenings (see core/happenings.py and RecognitionConfig).

Attendance is recorded on the person's offers for that activity; an accepted offer then becomes a
draft claim. Nobody is offered or paid anything automatically: no offer, no claim.
"""

from __future__ import annotations

from django.db.models import Q

from .actions import do_record_attendance, do_undo_attendance
from .models import ActivityKind, Offer


def _offers(person_id, **activity):
    return Offer.objects.filter(person_id=person_id, **activity).exclude(status=Offer.Status.WITHDRAWN)


def draft_claim_for_attendance(registration) -> None:
    """attendance_recorded: the person was checked in at an event."""
    for offer in _offers(registration.person_id, event_id=registration.event_id):
        do_record_attendance(offer, acting_user=None)


def withdraw_draft_claim_for_attendance(registration) -> None:
    """attendance_undone: the check-in was a mistake; a claim not yet approved is withdrawn."""
    for offer in _offers(registration.person_id, event_id=registration.event_id):
        do_undo_attendance(offer, acting_user=None)


def draft_claim_for_live_participation(participant) -> None:
    """participant_joined: a signed-in person took part in a live session (or in the event it is part of)."""
    if participant.person_id is None:
        return
    session = participant.session
    offers = Offer.objects.filter(person_id=participant.person_id).exclude(status=Offer.Status.WITHDRAWN)
    offers = offers.filter(
        Q(live_session_id=session.pk) | Q(kind=ActivityKind.EVENT, event_id=session.event_id)
    )
    for offer in offers:
        do_record_attendance(offer, acting_user=participant.person)
