"""A person's events in their data download, and what erasure leaves behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from coproduce.events.actions import do_check_in, do_renew_calendar_feed
from coproduce.events.models import CalendarFeed, Event, Registration
from coproduce.people.actions import do_erase_person
from coproduce.people.data_rights import export_person_data

from .conftest import person, register

pytestmark = pytest.mark.django_db


def test_the_download_includes_sign_ups_and_the_access_needs_given(member, public_event):
    register(public_event, member, needs=["bsl"], details="Please sit me near the front.", notify=False)
    do_renew_calendar_feed(member, acting_user=member)
    data = export_person_data(member)["events"]
    [sign_up] = data["sign_ups"]
    assert sign_up["event"] == "Open cuppa"
    assert sign_up["status"] == "Registered"
    assert sign_up["access_needs"] == ["British Sign Language (BSL) interpreter"]
    assert sign_up["access_needs_details"] == "Please sit me near the front."
    assert data["has_private_calendar_address"] is True
    assert CalendarFeed.objects.get(person=member).token not in str(data)


def test_erasure_frees_upcoming_places_and_keeps_past_attendance_anonymously(
    member, public_event, make_event, project
):
    past = make_event(project, title="Last month", capacity=5)
    attended = register(past, member, needs=["step_free"], details="Ramp please", notify=False)
    do_check_in(attended, acting_user=None)
    Event.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - timedelta(days=30), ends_at=timezone.now() - timedelta(days=30, hours=-2)
    )
    register(public_event, member, needs=["bsl"], notify=False)
    register(public_event, person(1), notify=False)
    waiting = register(public_event, person(2), notify=False)
    do_renew_calendar_feed(member, acting_user=member)

    counts = do_erase_person(member, acting_user=member)

    assert counts["events.upcoming_sign_ups_cancelled"] == 1
    waiting.refresh_from_db()
    assert waiting.status == "registered", "the freed place goes to the first person waiting"
    attended.refresh_from_db()
    assert attended.checked_in_at is not None and attended.status == "registered"
    assert (attended.access_needs, attended.access_needs_details) == ([], "")
    assert not Registration.objects.filter(person=member).exclude(access_needs=[]).exists()
    assert not CalendarFeed.objects.filter(person=member).exists()
