"""Joining by code with just a badge name, being recognised, and the polite refusals."""

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.live import actions
from coproduce.live.models import Participant

from .factories import join, start_at

pytestmark = pytest.mark.django_db


def _join(client, code, badge_name):
    return client.post(reverse("live:join"), {"code": code, "badge_name": badge_name})


def test_joining_needs_only_a_code_and_a_badge_name(client, live_session):
    page = client.get(reverse("live:join"))
    assert b"You only need a name for your badge" in page.content
    response = _join(client, live_session.display_code.lower(), "  Jo   B ")
    participant = Participant.objects.get(session=live_session)
    assert participant.badge_name == "Jo B" and participant.person is None
    assert response.status_code == 302 and response["Location"] == reverse(
        "live:participant", args=[live_session.pk]
    )
    page = client.get(response["Location"])
    assert b"You are taking part as <strong>Jo B</strong>" in page.content
    assert b"Waiting to start" in page.content


def test_the_qr_code_leads_to_a_join_page_with_the_code_filled_in(client, live_session):
    page = client.get(reverse("live:join_code", args=[live_session.join_code]))
    assert f'name="code" value="{live_session.join_code}"'.encode() in page.content
    response = client.post(
        reverse("live:join_code", args=[live_session.join_code]),
        {"code": live_session.join_code, "badge_name": "Rowan"},
    )
    assert response.status_code == 302
    assert Participant.objects.filter(session=live_session, badge_name="Rowan").exists()


def test_a_wrong_code_says_so_next_to_the_field(client, live_session):
    response = _join(client, "ZZZZZZ", "Rowan")
    assert b"We could not find a session with that code." in response.content
    assert b'aria-invalid="true"' in response.content
    assert not Participant.objects.exists()


def test_guessing_codes_is_slowed_down(client, live_session):
    for _ in range(21):  # 20 a minute are allowed
        _join(client, "ZZZZZZ", "Rowan")
    response = _join(client, live_session.join_code, "Rowan")
    assert b"Too many codes were tried from here." in response.content
    assert not Participant.objects.exists()


def test_an_empty_badge_name_is_asked_for(client, live_session):
    response = _join(client, live_session.join_code, "   ")
    assert b"Please tell us the name to show on your badge." in response.content


def test_a_badge_name_already_in_the_room_asks_for_another(client, live_session):
    join(live_session, "Sam")
    response = _join(client, live_session.join_code, "sam")
    assert (
        b"Someone here is already called sam. Please add an initial or choose another name."
        in response.content
    )


def test_a_full_session_says_so_politely(client, live_session, facilitator):
    actions.do_update_session_settings(
        live_session,
        title=live_session.title,
        capacity=2,
        moderation=live_session.moderation,
        acting_user=facilitator,
    )
    join(live_session, "Ann")
    join(live_session, "Bea")
    response = _join(client, live_session.join_code, "Cal")
    assert (
        b"Sorry, this session is full: it has room for 2 people. Please speak to a facilitator, "
        b"who may be able to make room."
    ) in response.content
    assert live_session.participants.count() == 2


def test_a_finished_session_cannot_be_joined(client, live_session, facilitator):
    session = start_at(live_session, "information", facilitator)
    actions.do_finish_session(session, acting_user=facilitator)
    response = _join(client, live_session.join_code, "Cal")
    assert b"This session has finished, so it cannot be joined any more." in response.content


def test_a_browser_that_joined_comes_straight_back_in(client, live_session):
    _join(client, live_session.join_code, "Jo")
    response = client.get(reverse("live:join_code", args=[live_session.join_code]))
    assert response.status_code == 302
    response = _join(client, live_session.join_code, "Someone else")
    assert response.status_code == 302
    assert list(live_session.participants.values_list("badge_name", flat=True)) == ["Jo"]


def test_a_signed_in_person_is_recognised_on_any_device(live_session, member):
    phone, laptop = Client(), Client()
    phone.force_login(member)
    laptop.force_login(member)
    page = phone.get(reverse("live:join_code", args=[live_session.join_code]))
    assert b'value="Jo"' in page.content  # their badge name is suggested
    phone.post(
        reverse("live:join_code", args=[live_session.join_code]),
        {"code": live_session.join_code, "badge_name": "Jo"},
    )
    response = laptop.get(reverse("live:join_code", args=[live_session.join_code]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "live:participant", args=[live_session.pk]
    )
    assert Participant.objects.get(session=live_session).person == member


def test_a_participant_page_needs_to_have_joined(client, live_session):
    assert client.get(reverse("live:participant", args=[live_session.pk])).status_code == 404


def test_the_qr_code_is_an_svg_for_facilitators(client, live_session, facilitator):
    client.force_login(facilitator)
    response = client.get(reverse("live:qr", args=[live_session.pk]))
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")


def test_the_control_page_shows_the_code_and_qr(client, live_session, facilitator):
    client.force_login(facilitator)
    page = client.get(reverse("live:control", args=[live_session.pk]))
    assert live_session.display_code.encode() in page.content
    assert reverse("live:qr", args=[live_session.pk]).encode() in page.content
