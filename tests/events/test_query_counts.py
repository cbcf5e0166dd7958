"""The busiest pages run a fixed number of queries, however many events or sign-ups there are.

The counts are pinned exactly, as Zulip's tests do: a change that adds a query shows up here, and a
query per event or per person would make the two sizes differ.
"""

from __future__ import annotations

import pytest

from coproduce.events.models import Event

from .conftest import london, person, register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("events", [2, 12])
def test_the_public_events_list_runs_two_queries_however_many_events(
    client, django_assert_num_queries, make_event, project, events
):
    for n in range(events):
        event = make_event(
            project, title=f"Event {n}", is_public=True, capacity=2, starts_at=london(5 + n, 10)
        )
        for k in range(n % 4):  # some with places left, some full with a waitlist
            register(event, person(100 * n + k), notify=False)
    # How many events match (for the pages), then one page of them with their place counts.
    with django_assert_num_queries(2):
        response = client.get("/events/")
    assert response.content.decode().count('class="card event-card"') == events


@pytest.mark.parametrize("people", [2, 12])
def test_the_registrations_page_runs_nine_queries_however_many_sign_ups(
    client, django_assert_num_queries, facilitator, make_event, project, people
):
    event = make_event(
        project, title="Workshop", capacity=people, format=Event.Format.HYBRID, starts_at=london(9, 10)
    )
    for n in range(people + 3):  # three more than there are places: they wait
        register(
            event,
            person(n),
            needs=["step_free"],
            details="Near the door",
            attendance="in_person",
            notify=False,
        )
    client.force_login(facilitator)
    # The event, the session, the signed-in person, their role in the project; then the people with a
    # place, the places held for visitors still to confirm, the waitlist, the access plan and the place
    # counts.
    with django_assert_num_queries(9):
        response = client.get(f"/events/{event.pk}/registrations/")
    page = response.content.decode()
    assert page.count("“Near the door”") == people
    assert f"{people} need step-free access" in page
