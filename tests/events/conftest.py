"""Events fixtures: events in the shared ``project`` made through the same actions views use."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import timezone

from coproduce.events.actions import do_create_event, do_register_for_event
from coproduce.people.models import Person

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def london(days_ahead: int, hour: int, minute: int = 0) -> datetime:
    """A UK wall-clock time ``days_ahead`` days from today."""
    day = timezone.localdate(timezone=LONDON) + timedelta(days=days_ahead)
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@pytest.fixture
def make_event(db, coordinator):
    def make(project, **fields):
        starts = fields.pop("starts_at", london(10, 10))
        fields.setdefault("ends_at", starts + timedelta(hours=2))
        fields.setdefault("title", "Listening to carers")
        fields.setdefault("venue", "Harbour Lane Community Hub, Room 2")
        return do_create_event(project, starts_at=starts, acting_user=None, **fields)

    return make


@pytest.fixture
def public_event(make_event, project):
    return make_event(project, title="Open cuppa", is_public=True, capacity=2)


@pytest.fixture
def members_event(make_event, project):
    return make_event(project, title="Steering group planning", is_public=False, capacity=10)


def register(event, person, *, needs=(), details="", attendance=None, notify=True):
    registration, _ = do_register_for_event(
        event,
        person,
        access_needs=list(needs),
        details=details,
        attendance=attendance,
        acting_user=person,
        notify=notify,
    )
    return registration


def person(n: int, badge_name: str | None = None) -> Person:
    return Person.objects.create_user(email=f"person{n}@example.org", badge_name=badge_name or f"Person {n}")
