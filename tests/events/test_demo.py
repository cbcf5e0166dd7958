"""The demo events show every feature of sign-up."""

from __future__ import annotations

import pytest
from django.utils import timezone

from coproduce.demo import STEPS
from coproduce.demo import events as demo_events
from coproduce.demo.cast import ensure_cast
from coproduce.events.access import upcoming_public_events
from coproduce.events.availability import places_for
from coproduce.events.models import Event, Registration
from coproduce.events.planning import access_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(mailoutbox):
    ensure_cast()
    demo_events.run()


def test_the_events_step_runs_after_the_cast():
    assert STEPS.index("coproduce.demo.events") > STEPS.index("coproduce.demo.cast")


def test_demo_events_cover_every_kind_of_sign_up(demo, mailoutbox):
    events = Event.objects.all()
    assert 9 <= events.count() <= 12
    assert {e.project.title for e in events} == {
        "Community placements partnership",
        "Crisis support, designed together",
    }
    assert events.filter(is_public=True).exists() and events.filter(is_public=False).exists()
    assert not mailoutbox, "demo sign-ups send no e-mail"

    cuppa = (
        upcoming_public_events(formats=["online"], times_of_day=["evening"]).filter(kind="drop_in").first()
    )
    assert cuppa is not None and cuppa.format == "online"

    full = Event.objects.get(title="Crisis care: what would have helped?")
    places = places_for(full)
    assert (full.format, places.is_full, places.waiting) == ("hybrid", True, 2)
    assert list(full.agenda_items.values_list("title", "duration_minutes"))[1:4] == [
        ("Preparing the ground", 10),
        ("Exploring together", 30),
        ("Tracking themes and take-home messages", 20),
    ]
    plan = [line.text for line in access_plan(full).lines]
    assert plan[0] == "3 need step-free access"
    assert any(text.startswith("2 need a BSL interpreter") for text in plan)
    assert any(text.startswith("2 need Easy Read papers") for text in plan)

    past = Event.objects.filter(ends_at__lt=timezone.now())
    assert past.count() >= 1
    assert Registration.objects.filter(event__in=past, checked_in_at__isnull=False).count() >= 5
    assert upcoming_public_events(times_of_day=["weekend"]).exists()
    assert upcoming_public_events(times_of_day=["daytime"]).exists()
