"""The public events page: only upcoming public events, filters, and how many places are left."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from coproduce.events.access import upcoming_public_events
from coproduce.events.availability import Places
from coproduce.events.models import Event

from .conftest import london, person, register

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def next_weekday(iso_weekday: int, *, after_days: int = 7, month: int | None = None) -> date:
    """The first date with this ISO weekday at least ``after_days`` from today (in ``month`` if given)."""
    day = timezone.localdate(timezone=LONDON) + timedelta(days=after_days)
    if month is not None:
        year = day.year + (1 if day.month > month or (day.month == month and day.day > 20) else 0)
        day = max(day, date(year, month, 1))
    while day.isoweekday() != iso_weekday:
        day += timedelta(days=1)
    return day


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@pytest.fixture
def week(make_event, project):
    """Public events on one weekday morning and evening, a Saturday and a Sunday evening."""
    wednesday = next_weekday(3)
    saturday = wednesday + timedelta(days=3)
    return {
        "morning": make_event(
            project, title="Wednesday morning workshop", is_public=True, starts_at=at(wednesday, 10)
        ),
        "late_afternoon": make_event(
            project,
            title="Wednesday 4.59pm",
            is_public=True,
            starts_at=at(wednesday, 16, 59),
            format=Event.Format.ONLINE,
        ),
        "evening": make_event(
            project,
            title="Wednesday evening cuppa",
            is_public=True,
            starts_at=at(wednesday, 17),
            format=Event.Format.ONLINE,
        ),
        "saturday": make_event(
            project,
            title="Saturday festival",
            is_public=True,
            starts_at=at(saturday, 11),
            format=Event.Format.HYBRID,
        ),
        "sunday_evening": make_event(
            project,
            title="Sunday evening listening",
            is_public=True,
            starts_at=at(saturday + timedelta(days=1), 19),
        ),
    }


def titles(**filters) -> set[str]:
    return set(upcoming_public_events(**filters).values_list("title", flat=True))


def test_only_upcoming_public_events_are_listed(client, make_event, project):
    make_event(project, title="Members only", is_public=False)
    make_event(
        project, title="Already happened", is_public=True, starts_at=timezone.now() - timedelta(days=2)
    )
    make_event(project, title="Coming soon", is_public=True)
    page = client.get("/events/").content.decode()
    assert "Coming soon" in page
    assert "Members only" not in page
    assert "Already happened" not in page


@pytest.mark.parametrize(
    "times,expected",
    [
        (["daytime"], {"morning", "late_afternoon", "saturday"}),
        (["evening"], {"evening", "sunday_evening"}),
        (["weekend"], {"saturday", "sunday_evening"}),
        (["evening", "weekend"], {"evening", "saturday", "sunday_evening"}),
        ([], {"morning", "late_afternoon", "evening", "saturday", "sunday_evening"}),
    ],
)
def test_time_of_day_filters_in_uk_time(week, times, expected):
    assert titles(times_of_day=times) == {week[key].title for key in expected}


def test_an_evening_in_british_summer_time_is_an_evening(make_event, project):
    # 17:30 in July is 16:30 UTC: still an evening for someone in the UK.
    july_wednesday = next_weekday(3, month=7)
    make_event(project, title="Summer evening", is_public=True, starts_at=at(july_wednesday, 17, 30))
    make_event(project, title="Summer afternoon", is_public=True, starts_at=at(july_wednesday, 16, 30))
    assert titles(times_of_day=["evening"]) == {"Summer evening"}
    assert titles(times_of_day=["daytime"]) == {"Summer afternoon"}


@pytest.mark.parametrize(
    "fmt,expected",
    [
        ("in_person", {"morning", "saturday", "sunday_evening"}),
        ("online", {"late_afternoon", "evening", "saturday"}),
        ("hybrid", {"saturday"}),
    ],
)
def test_format_filter_counts_hybrid_events_as_both(week, fmt, expected):
    assert titles(formats=[fmt]) == {week[key].title for key in expected}


def test_date_filters_are_inclusive_uk_days(week):
    wednesday = week["morning"].starts_at.astimezone(LONDON).date()
    saturday = wednesday + timedelta(days=3)
    assert titles(start_date=saturday) == {week["saturday"].title, week["sunday_evening"].title}
    assert titles(end_date=wednesday) == {week[k].title for k in ("morning", "late_afternoon", "evening")}
    assert titles(start_date=saturday, end_date=saturday) == {week["saturday"].title}


def test_filters_through_the_page(client, week):
    response = client.get("/events/", {"time_of_day": ["evening", "weekend"], "format": "online"})
    page = response.content.decode()
    assert "Wednesday evening cuppa" in page and "Saturday festival" in page
    assert "Wednesday morning workshop" not in page and "Sunday evening listening" not in page
    assert "2 events" in page


def test_bad_filter_input_is_explained_next_to_the_field(client, week):
    page = client.get("/events/", {"start_date": "32/13/2027", "end_date": "2027-01-01"}).content.decode()
    assert "Enter a date, for example 14/03/2027." in page
    assert 'id="id_start_date-error"' in page
    page = client.get("/events/", {"start_date": "2027-03-10", "end_date": "2027-03-01"}).content.decode()
    assert "The end date must be on or after the start date." in page
    page = client.get("/events/", {"time_of_day": ["midnight"]}).content.decode()
    assert "Choose times from the list." in page


def test_no_matches_says_so(client, week):
    page = client.get("/events/", {"format": "hybrid", "time_of_day": ["evening"]}).content.decode()
    assert "No events found" in page
    assert "No upcoming public events match these filters." in page


@pytest.mark.parametrize(
    "capacity,registered,waiting,text",
    [
        (10, 7, 0, "3 places left"),
        (10, 9, 0, "1 place left"),
        (10, 10, 0, "Full — join the waitlist"),
        (10, 10, 2, "Full — join the waitlist (2 waiting)"),
        (5, 6, 0, "Full — join the waitlist"),  # capacity lowered below the number registered
        (None, 40, 0, "Places available (no limit)"),
    ],
)
def test_places_left_text(capacity, registered, waiting, text):
    assert Places(capacity=capacity, registered=registered, waiting=waiting).text == text


def test_event_pages_say_how_many_places_are_left(client, make_event, project):
    event = make_event(project, title="Small workshop", is_public=True, capacity=3)
    register(event, person(1), notify=False)
    assert "2 places left" in client.get(f"/events/{event.pk}/").content.decode()
    assert "2 places left" in client.get("/events/").content.decode()
    for n in range(2, 6):
        register(event, person(n), notify=False)
    detail = client.get(f"/events/{event.pk}/").content.decode()
    assert "Full — join the waitlist (2 waiting)" in detail
    assert "Join the waitlist</a>" in detail
    assert "Full — join the waitlist (2 waiting)" in client.get("/events/").content.decode()


def test_the_list_does_not_query_per_event(client, django_assert_max_num_queries, make_event, project):
    for n in range(8):
        make_event(project, title=f"Event {n}", is_public=True, capacity=5, starts_at=london(5 + n, 10))
    with django_assert_max_num_queries(6):
        client.get("/events/")
