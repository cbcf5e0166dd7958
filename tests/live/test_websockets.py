"""The session's websocket, through the real ASGI application (session cookie, origin check, routing)."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator

from coproduce.asgi import application
from coproduce.deliberation import actions as deliberation
from coproduce.deliberation import map_refresh
from coproduce.deliberation.models import Statement, Vote
from coproduce.live import actions
from coproduce.live.models import Phase

from .factories import fresh, join, make_event, make_session, session_cookie_for, start_at

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = 10  # seconds; only a bound so that a broken test fails instead of hanging


def socket(session_id: int, cookie: str | None, view: str = "participant") -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    return WebsocketCommunicator(application, f"/ws/live/{session_id}/?as={view}", headers=headers)


async def receive_until(communicator, kind: str, *, predicate=lambda m: True) -> dict:
    while True:
        message = await communicator.receive_json_from(timeout=WAIT)
        if message["type"] == kind and predicate(message):
            return message


@pytest.fixture
def running(live_session, facilitator):
    session = start_at(live_session, Phase.Activity.STATEMENTS, facilitator)
    for text in (
        "Discharge letters should be written in plain English.",
        "Carers should be told before the day someone goes home.",
        "A named person should phone the day after discharge.",
    ):
        deliberation.do_add_seed_statement(session, text=text, acting_user=facilitator)
    return fresh(session)


@pytest.fixture(autouse=True)
def _quick_maps(settings):
    settings.LIVE_MAP_REFRESH_SECONDS = 0.2


def test_a_participant_sees_the_state_and_the_phase_change_when_the_facilitator_starts(
    live_session, facilitator
):
    participant = join(live_session, "Jo")
    cookie = session_cookie_for(participant)

    async def scenario():
        ws = socket(live_session.pk, cookie)
        connected, _ = await ws.connect(timeout=WAIT)
        assert connected
        first = await ws.receive_json_from(timeout=WAIT)
        assert first["type"] == "state" and first["status"] == "ready" and "Waiting to start" in first["html"]
        await database_sync_to_async(actions.do_start_session)(live_session, acting_user=facilitator)
        state = await receive_until(ws, "state")
        assert state["phase"]["title"] == "Preparing the ground" and state["running"] is True
        assert state["remaining"] == 600 or 595 <= state["remaining"] <= 600
        panel = await receive_until(ws, "panel")
        assert "Nothing to do on your phone in this part" in panel["html"]
        await ws.disconnect()

    async_to_sync(scenario)()


def test_a_vote_over_the_websocket_is_acknowledged_stored_and_can_be_changed(running):
    participant = join(running, "Jo")
    cookie = session_cookie_for(participant)

    async def scenario():
        ws = socket(running.pk, cookie)
        assert (await ws.connect(timeout=WAIT))[0]
        await receive_until(ws, "state")
        await ws.send_json_to({"type": "sync"})
        panel = await receive_until(ws, "panel")
        statement_id = int(panel["html"].split('data-statement-id="')[1].split('"')[0])
        await ws.send_json_to({"type": "vote", "ref": 7, "statement": statement_id, "value": "agree"})
        ack = await receive_until(ws, "ack")
        assert ack == {
            "type": "ack",
            "ref": 7,
            "ok": True,
            "message": "Vote saved.",
            "statement": statement_id,
            "value": 1,
        }
        panel = await receive_until(ws, "panel")
        assert "You have voted on 1 of 3 statements." in panel["html"]
        await ws.send_json_to({"type": "vote", "ref": 8, "statement": statement_id, "value": "disagree"})
        assert (await receive_until(ws, "ack"))["ok"] is True
        await ws.disconnect()

    async_to_sync(scenario)()
    assert list(Vote.objects.filter(participant=participant).values_list("value", flat=True)) == [-1]


def test_bad_messages_get_clear_answers_and_the_connection_carries_on(running, facilitator):
    participant = join(running, "Jo")
    hidden = Statement.objects.filter(session=running).first()
    deliberation.do_moderate_statement(hidden, decision="hide", acting_user=facilitator)
    cookie = session_cookie_for(participant)

    async def scenario():
        ws = socket(running.pk, cookie)
        assert (await ws.connect(timeout=WAIT))[0]
        await receive_until(ws, "state")
        await ws.send_to(text_data="this is not json")
        assert (await receive_until(ws, "error"))["message"] == "That message was not understood."
        await ws.send_json_to({"type": "vote", "ref": 1, "statement": hidden.pk, "value": "agree"})
        ack = await receive_until(ws, "ack")
        assert ack["ok"] is False
        assert (
            ack["message"] == "A facilitator has taken that statement off the list, so it cannot be voted on."
        )
        await ws.send_json_to({"type": "statement", "ref": 2, "text": "x" * 281})
        ack = await receive_until(ws, "ack")
        assert ack["message"] == "Please keep your statement to 280 characters or fewer. Yours has 281."
        assert ack["field"] == "text"
        await ws.send_json_to({"type": "statement", "ref": 3, "text": "   "})
        assert (await receive_until(ws, "ack"))["message"] == "Please write your statement before sending it."
        await ws.send_json_to({"type": "take_home", "ref": 4, "text": "Too early"})
        ack = await receive_until(ws, "ack")
        assert ack["message"] == (
            "That part of the session is over: we are now on \u201cExploring together\u201d. "
            "Your message was not saved."
        )
        await ws.send_json_to({"type": "control", "ref": 5, "action": "advance"})
        assert (await receive_until(ws, "ack"))["message"] == "Only facilitators can do that."
        await ws.send_json_to({"type": "ping", "ref": 6})
        assert (await receive_until(ws, "pong"))["ref"] == 6
        await ws.disconnect()

    async_to_sync(scenario)()
    assert not Vote.objects.exists()
    assert fresh(running).current_phase.activity == Phase.Activity.STATEMENTS


def test_nobody_connects_to_a_session_they_are_not_in(project, facilitator, running, outsider, member):
    other = make_session(make_event(project, "Another event"), facilitator, title="Another session")
    participant = join(running, "Jo")
    cases = [
        (other.pk, session_cookie_for(participant), "participant"),  # a participant of another session
        (running.pk, session_cookie_for(participant), "screen"),  # a participant asking for the room screen
        (running.pk, session_cookie_for(user=outsider), "participant"),
        (running.pk, session_cookie_for(user=member), "control"),
        (running.pk, None, "participant"),
        (running.pk, session_cookie_for(user=facilitator), "somethingelse"),
        (999999, session_cookie_for(user=facilitator), "screen"),
    ]

    async def scenario():
        for session_id, cookie, view in cases:
            ws = socket(session_id, cookie, view)
            connected, code = await ws.connect(timeout=WAIT)
            assert (connected, code) == (False, 4404), (session_id, view)

    async_to_sync(scenario)()


def test_a_participant_who_reconnects_carries_on_with_their_votes(running):
    participant = join(running, "Jo")
    cookie = session_cookie_for(participant)
    first = Statement.objects.filter(session=running).first()

    async def scenario():
        ws = socket(running.pk, cookie)
        assert (await ws.connect(timeout=WAIT))[0]
        await receive_until(ws, "state")
        await ws.send_json_to({"type": "vote", "ref": 1, "statement": first.pk, "value": "pass"})
        assert (await receive_until(ws, "ack"))["ok"]
        before = await receive_until(ws, "panel")
        await ws.disconnect()  # the phone's connection drops

        again = socket(running.pk, cookie)
        assert (await again.connect(timeout=WAIT))[0]
        state = await receive_until(again, "state")
        assert state["phase"]["title"] == "Exploring together"
        await again.send_json_to({"type": "sync"})
        after = await receive_until(again, "panel")
        assert "You have voted on 1 of 3 statements." in after["html"]
        current = before["html"].split('data-statement-id="')[1].split('"')[0]
        assert f'data-statement-id="{current}"' in after["html"]  # the same statement as before the drop
        await again.disconnect()

    async_to_sync(scenario)()
    assert Vote.objects.get(participant=participant).value == 0


def test_the_facilitator_controls_over_the_websocket_and_everyone_follows(running, facilitator):
    participants = [join(running, name) for name in ("Ann", "Bea", "Cal")]
    version = fresh(running).version
    facilitator_cookie = session_cookie_for(user=facilitator)

    async def scenario():
        control = socket(running.pk, facilitator_cookie, "control")
        assert (await control.connect(timeout=WAIT))[0]
        await receive_until(control, "state")
        phones = []
        for participant in participants:
            ws = socket(running.pk, await database_sync_to_async(session_cookie_for)(participant))
            assert (await ws.connect(timeout=WAIT))[0]
            await receive_until(ws, "state")
            phones.append(ws)
        await control.send_json_to({"type": "control", "ref": 1, "action": "advance", "version": version})
        assert (await receive_until(control, "ack"))["ok"] is True
        for ws in phones:
            state = await receive_until(ws, "state")
            assert state["phase"]["title"] == "Tracking themes and take-home messages"
            panel = await receive_until(ws, "panel")
            assert "Your take-home message" in panel["html"]
        # The same button pressed on a page showing the old state changes nothing.
        await control.send_json_to({"type": "control", "ref": 2, "action": "advance", "version": version})
        assert (await receive_until(control, "ack"))["message"].startswith("The session changed a moment ago")
        for ws in [control, *phones]:
            await ws.disconnect()

    async_to_sync(scenario)()


def test_votes_reach_the_room_screen_as_a_new_map(running, facilitator):
    participants = [join(running, name) for name in ("Ann", "Bea", "Cal", "Dev")]
    statements = list(Statement.objects.filter(session=running))
    facilitator_cookie = session_cookie_for(user=facilitator)

    async def scenario():
        screen = socket(running.pk, facilitator_cookie, "screen")
        assert (await screen.connect(timeout=WAIT))[0]
        await receive_until(screen, "state")
        for index, participant in enumerate(participants):
            ws = socket(running.pk, await database_sync_to_async(session_cookie_for)(participant))
            assert (await ws.connect(timeout=WAIT))[0]
            for ref, statement in enumerate(statements):
                value = "agree" if (index + ref) % 2 else "disagree"
                await ws.send_json_to(
                    {"type": "vote", "ref": ref + 1, "statement": statement.pk, "value": value}
                )
                assert (await receive_until(ws, "ack"))["ok"]
            await ws.disconnect()
        total = len(participants) * len(statements)
        update = await receive_until(screen, "map", predicate=lambda m: m["votes"] == total)
        assert f"4 people have cast {total} votes on 3 statements." in json.dumps(update["html"])
        assert "Ann" not in update["html"] and "Bea" not in update["html"]
        await screen.disconnect()
        await asyncio.gather(
            *list(map_refresh._running_tasks), return_exceptions=True
        )  # let refreshes finish

    async_to_sync(scenario)()


def test_someone_waiting_for_a_piece_hears_when_one_may_be_ready(event, facilitator):
    from coproduce.deliberation.actions import do_start_piece

    from .factories import make_session

    session = start_at(
        make_session(event, facilitator, format_key="pass_it_on"), Phase.Activity.PASS_IT_ON, facilitator
    )
    ann, bea = join(session, "Ann"), join(session, "Bea")
    do_start_piece(session, ann, text="Good support feels like")
    cookie = session_cookie_for(ann)

    async def scenario():
        ws = socket(session.pk, cookie)
        assert (await ws.connect(timeout=WAIT))[0]
        await receive_until(ws, "state")
        await ws.send_json_to({"type": "sync"})
        assert 'data-live-idle="pieces"' in (await receive_until(ws, "panel"))["html"]
        await database_sync_to_async(do_start_piece)(session, bea, text="A good day starts with")
        assert (await receive_until(ws, "notice"))["what"] == "pieces"
        await ws.send_json_to({"type": "sync"})  # what live.js does on that notice when it has nothing to do
        panel = await receive_until(ws, "panel")
        assert "A piece passed to you" in panel["html"] and "A good day starts with" in panel["html"]
        await ws.disconnect()

    async_to_sync(scenario)()
