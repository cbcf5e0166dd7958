"""The hot pages of a live session make a fixed number of queries, however many statements and people.

A room of 200 votes for an hour: after every vote the participant's panel is drawn again, and room
screens that cannot keep a websocket poll theirs. An N+1 here would be paid by everyone at once, so
the counts are pinned, at two sizes of room, as Zulip pins its hot paths.
"""

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.deliberation import actions, map_refresh, selection
from coproduce.deliberation.map_refresh import current_map
from coproduce.live import activities
from coproduce.live.models import Phase
from tests.live.factories import client_for, fresh, join, start_at

pytestmark = pytest.mark.django_db

SIZES = [(4, 7), (10, 12)]  # (statements, participants); the map is drawn from 7 voters


@pytest.fixture(params=SIZES, ids=lambda size: f"{size[0]}-statements-{size[1]}-people")
def room(request, live_session, facilitator):
    """A statements phase where everyone voted on all statements but the last two, and the map is drawn."""
    n_statements, n_people = request.param
    session = start_at(live_session, Phase.Activity.STATEMENTS, facilitator)
    statements = [
        actions.do_add_seed_statement(
            session, text=f"Statement number {i} about leaving hospital.", acting_user=facilitator
        )
        for i in range(n_statements)
    ]
    people = [join(session, f"Person {i}") for i in range(n_people)]
    for i, person in enumerate(people):
        for j, statement in enumerate(statements[:-2]):
            actions.do_cast_vote(
                session, person, statement_id=statement.pk, value=("agree", "disagree", "pass")[(i + j) % 3]
            )
    session = fresh(session)
    assert current_map(session, max_age=0).data["ready"]
    return session, people


def test_the_participant_panel_makes_the_same_few_queries_in_any_room(room, django_assert_num_queries):
    session, people = room
    client = client_for(people[0])
    url = reverse("live:panel", args=[session.pk])
    client.get(url)  # the first look chooses the statement to show, and remembers it
    selection._priorities.clear()  # as if the worker's second of priority had just run out
    with django_assert_num_queries(4):
        response = client.get(url)
    assert 'data-statement-id="' in response.content.decode()


def test_the_panel_redrawn_after_a_vote_makes_two_queries(room, django_assert_num_queries):
    """What a websocket does after each vote: the session is read already; the next statement is one
    query, and choosing it one write."""
    session, people = room
    person = people[1]
    activities.render_participant_panel(session, person)
    with django_assert_num_queries(1):
        shown = activities.render_participant_panel(session, person)
    assert 'data-statement-id="' in shown
    statement_id = selection.statement_for(person).pk
    selection._priorities.clear()
    actions.do_cast_vote(session, person, statement_id=statement_id, value="agree")
    with django_assert_num_queries(3):  # the next statement, the map's priority, and remembering the choice
        activities.render_participant_panel(session, person)


def test_a_vote_is_one_query_and_what_follows_it_none(room, django_assert_num_queries):
    session, people = room
    statement_id = selection.statement_for(people[2]).pk
    with django_assert_num_queries(1):
        actions.do_cast_vote(session, people[2], statement_id=statement_id, value="disagree")
    # vote_cast's subscriber, after commit. (It runs in a transaction of its own, as every subscriber does;
    # on PostgreSQL one in which nothing is queried sends nothing to the server.)
    with django_assert_num_queries(0):
        map_refresh.refresh_after_vote(session_id=session.pk, statement_id=statement_id)


def test_the_room_screen_makes_the_same_few_queries_in_any_room(room, facilitator, django_assert_num_queries):
    session, _people = room
    client = Client()
    client.force_login(facilitator)
    url = reverse("live:screen", args=[session.pk])
    client.get(url)
    with django_assert_num_queries(10):
        response = client.get(url)
    assert "Statement number 0 about leaving hospital." in response.content.decode()
