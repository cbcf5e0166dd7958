"""Who may do what, as a table: only facilitators control a session; participants act in their own only."""

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.live import actions
from coproduce.live.permissions import (
    can_control_session,
    can_create_live_session,
    can_export_outcomes,
    can_view_outcomes,
)

from .factories import client_for, join, make_event, make_session, start_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(coordinator, facilitator, member, steering, other_member, outsider, live_session):
    co_facilitator = steering
    actions.do_add_co_facilitator(live_session, co_facilitator, acting_user=facilitator)
    return {
        "coordinator": coordinator,
        "facilitator": facilitator,
        "co-facilitator": co_facilitator,
        "member": member,
        "other project's member": other_member,
        "outsider": outsider,
        "anonymous": None,
    }


@pytest.mark.parametrize(
    ("who", "controls", "creates"),
    [
        ("coordinator", True, True),
        ("facilitator", True, True),
        ("co-facilitator", True, False),
        ("member", False, False),
        ("other project's member", False, False),
        ("outsider", False, False),
        ("anonymous", False, False),
    ],
)
def test_who_controls_and_who_creates(people, live_session, event, who, controls, creates):
    from django.contrib.auth.models import AnonymousUser

    user = people[who] or AnonymousUser()
    assert can_control_session(user, live_session) is controls
    assert can_create_live_session(user, event) is creates


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("coordinator", True),
        ("facilitator", True),
        ("co-facilitator", True),
        ("member", False),
        ("other project's member", False),
        ("outsider", False),
        ("anonymous", False),
    ],
)
@pytest.mark.parametrize(
    ("method", "name", "data"),
    [
        ("get", "live:control", None),
        ("get", "live:screen", None),
        ("get", "live:screen_panel", None),
        ("get", "live:qr", None),
        ("post", "live:control_action", {"action": "start"}),
        ("post", "live:settings", {"title": "Renamed", "moderation": "automatic"}),
        ("get", "live:add_phase", None),
    ],
)
def test_only_people_who_control_reach_the_controls(people, live_session, who, allowed, method, name, data):
    client = Client()
    if people[who] is not None:
        client.force_login(people[who])
    response = getattr(client, method)(reverse(name, args=[live_session.pk]), data or {})
    if allowed:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 404
        live_session.refresh_from_db()
        assert live_session.is_ready and live_session.title == "Discharge workshop"


def test_a_refused_control_looks_like_a_missing_page(people, live_session):
    client = Client()
    client.force_login(people["member"])
    response = client.get(reverse("live:control", args=[live_session.pk]))
    assert b"Page not found" in response.content


def test_participants_cannot_see_or_act_in_another_session(project, facilitator, live_session):
    other = make_session(make_event(project, "Another workshop"), facilitator, title="Another session")
    mine = join(live_session, "Jo")
    client = client_for(mine)
    assert client.get(reverse("live:participant", args=[live_session.pk])).status_code == 200
    for name in ("live:participant", "live:panel", "live:state"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
    assert (
        client.post(
            reverse("deliberation:vote", args=[other.pk]), {"statement": 1, "value": "agree"}
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("deliberation:submit_statement", args=[other.pk]), {"text": "Hello"}).status_code
        == 404
    )


def test_the_event_page_for_live_sessions(people, event, live_session):
    for who, code in [("facilitator", 200), ("member", 200), ("outsider", 404), ("anonymous", 404)]:
        client = Client()
        if people[who] is not None:
            client.force_login(people[who])
        response = client.get(reverse("live:for_event", args=[event.pk]))
        assert response.status_code == code, who
        if who == "facilitator":
            assert b"Run this session" in response.content and b"Create a live session" in response.content
        if who == "member":
            assert (
                b"Run this session" not in response.content
                and b"use the code shown in the room" in response.content
            )


def test_a_public_event_shows_how_to_join_to_anyone(client, event, live_session):
    event.is_public = True
    event.save()
    response = client.get(reverse("live:for_event", args=[event.pk]))
    assert response.status_code == 200 and b"Run this session" not in response.content
    assert live_session.join_code.encode() not in response.content


def test_only_facilitators_create_sessions_from_the_event_page(people, event):
    data = {"title": "Evening session", "format_key": "common_ground", "moderation": "automatic"}
    member = Client()
    member.force_login(people["member"])
    assert member.post(reverse("live:for_event", args=[event.pk]), data).status_code == 404
    facilitator = Client()
    facilitator.force_login(people["facilitator"])
    response = facilitator.post(reverse("live:for_event", args=[event.pk]), data)
    assert response.status_code == 302
    assert event.live_sessions.filter(title="Evening session").count() == 1


@pytest.mark.parametrize(
    ("who", "during", "after"),
    [
        ("facilitator", True, True),
        ("co-facilitator", True, True),
        ("member", False, True),
        ("other project's member", False, False),
        ("outsider", False, False),
    ],
)
def test_outcomes_are_for_the_project_once_finished(people, live_session, facilitator, who, during, after):
    assert can_view_outcomes(people[who], live_session) is during
    assert can_export_outcomes(people[who], live_session) is during
    session = start_at(live_session, "information", facilitator)
    actions.do_finish_session(session, acting_user=facilitator)
    live_session.refresh_from_db()
    assert can_view_outcomes(people[who], live_session) is after
    assert can_export_outcomes(people[who], live_session) is after


def test_participants_see_outcomes_of_their_own_session_once_finished(live_session, facilitator):
    participant = join(live_session, "Jo")
    client = client_for(participant)
    url = reverse("deliberation:outcomes", args=[live_session.pk])
    assert client.get(url).status_code == 404
    actions.do_finish_session(start_at(live_session, "information", facilitator), acting_user=facilitator)
    assert client.get(url).status_code == 200
    assert client.get(reverse("deliberation:export", args=[live_session.pk, "votes.csv"])).status_code == 404


def test_co_facilitators_must_be_project_members(live_session, facilitator, outsider):
    with pytest.raises(actions.LiveSessionError, match="A co-facilitator must be a member of the project."):
        actions.do_add_co_facilitator(live_session, outsider, acting_user=facilitator)
