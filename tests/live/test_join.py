"""Joining by code with just a badge name, being recognised, and the polite refusals."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

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


TOO_MANY = (
    "Too many codes that do not exist were tried from here. Please wait a few minutes and try again, "
    "or sign in first: then only your own tries count."
)


def test_guessing_codes_in_the_form_is_limited(client, live_session):
    for _ in range(60):  # 60 failures in 10 minutes are allowed (COPRODUCE_JOIN_CODE_FAILURES)
        assert _join(client, "ZZZZZZ", "Rowan").status_code == 200
    response = _join(client, "ZZZZZY", "Rowan")
    assert response.status_code == 429 and TOO_MANY in response.content.decode()
    response = _join(client, live_session.join_code, "Rowan")  # even the right code: guessing teaches nothing
    assert response.status_code == 429 and TOO_MANY in response.content.decode()
    assert not Participant.objects.exists()


def test_guessing_codes_by_link_is_limited_per_address(client, live_session, settings):
    settings.COPRODUCE_JOIN_CODE_FAILURES = "5/10m"
    for guess in ("AAAAAA", "AAAAAB", "AAAAAC", "AAAAAD", "AAAAAE"):
        assert client.get(reverse("live:join_code", args=[guess])).status_code == 404
    response = client.get(reverse("live:join_code", args=["AAAAAF"]))
    assert response.status_code == 429 and TOO_MANY in response.content.decode()
    right = client.get(reverse("live:join_code", args=[live_session.join_code]))
    assert right.status_code == 429 and live_session.title not in right.content.decode()
    elsewhere = Client(REMOTE_ADDR="192.0.2.7")  # another address is not held back
    assert elsewhere.get(reverse("live:join_code", args=[live_session.join_code])).status_code == 200


def test_a_room_of_200_on_one_address_all_get_in_while_guessing_from_it_is_limited(live_session, member):
    nhs = "198.51.100.20"  # one NHS trust's address, shared by everyone in the room
    for number in range(200):
        person = Client(REMOTE_ADDR=nhs)
        if number % 10 == 0:  # one in ten mistypes the code first
            assert b"We could not find a session" in _join(person, "K7P3MY", f"P{number}").content
        page = person.get(reverse("live:join_code", args=[live_session.join_code]))
        assert page.status_code == 200
        response = person.post(
            reverse("live:join_code", args=[live_session.join_code]),
            {"code": live_session.join_code, "badge_name": f"Person {number}"},
        )
        assert response.status_code == 302, number
    assert live_session.participants.count() == 200
    guesser = Client(REMOTE_ADDR=nhs)
    answers = [guesser.get(reverse("live:join_code", args=[f"ZZZZ{n:02d}"])).status_code for n in range(60)]
    assert answers[:40] == [404] * 40 and answers[-1] == 429  # the room's 20 typos counted too
    signed_in = Client(REMOTE_ADDR=nhs)  # someone signed in is held only to their own tries
    signed_in.force_login(member)
    response = signed_in.post(
        reverse("live:join_code", args=[live_session.join_code]),
        {"code": live_session.join_code, "badge_name": "Jo"},
    )
    assert response.status_code == 302 and live_session.participants.count() == 201


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


def test_capacity_left_empty_is_the_usual_limit(client, live_session, facilitator, settings):
    settings.COPRODUCE_LIVE_DEFAULT_CAPACITY = 2
    assert live_session.capacity is None
    join(live_session, "Ann")
    join(live_session, "Bea")
    response = _join(client, live_session.join_code, "Cal")
    assert b"Sorry, this session is full: it has room for 2 people." in response.content
    client.force_login(facilitator)
    page = client.get(reverse("live:control", args=[live_session.pk])).content.decode()
    assert "People here (2 of 2)" in page and "Leave empty for the usual limit of 2 people." in page


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


SIGNED_IN_ONLY = (
    "This session is for people who are signed in. Please sign in, and you will come back here to join."
)


def test_a_signed_in_only_session_sends_people_to_sign_in_and_back(
    client, live_session, facilitator, member, mailoutbox
):
    from tests.people.conftest import ask_for_sign_in, link_and_code

    facilitator_client = Client()
    facilitator_client.force_login(facilitator)
    response = facilitator_client.post(
        reverse("live:settings", args=[live_session.pk]),
        {"title": live_session.title, "moderation": "automatic", "signed_in_only": "on"},
    )
    assert response.status_code == 302
    live_session.refresh_from_db()
    assert live_session.signed_in_only
    join_page = reverse("live:join_code", args=[live_session.join_code])
    for response in (client.get(join_page), _join(client, live_session.join_code, "Jo")):
        assert response.status_code == 302
        assert response["Location"] == "/sign-in/?" + urlencode({"next": join_page})
    sign_in_page = client.get(response["Location"]).content.decode()
    assert SIGNED_IN_ONLY in sign_in_page and f'value="{join_page}"' in sign_in_page
    assert not Participant.objects.exists()
    ask_for_sign_in(client, member.email, next=join_page)
    _, code = link_and_code(mailoutbox[0])
    assert client.post("/sign-in/code/", {"code": code})["Location"] == join_page
    assert client.get(join_page).status_code == 200
    assert client.post(join_page, {"code": live_session.join_code, "badge_name": "Jo"}).status_code == 302
    assert Participant.objects.get(session=live_session).person == member


def test_nobody_joins_a_signed_in_only_session_without_signing_in(live_session, facilitator):
    actions.do_update_session_settings(
        live_session,
        title=live_session.title,
        capacity=None,
        moderation=live_session.moderation,
        signed_in_only=True,
        acting_user=facilitator,
    )
    with pytest.raises(actions.LiveSessionError, match="This session is for people who are signed in."):
        join(live_session, "Sam")


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
