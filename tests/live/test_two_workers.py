"""Two server processes sharing Redis and PostgreSQL: a vote sent to one reaches a screen on the other.

This is how Coproduce scales out: stateless ASGI workers, one database, one Redis channel layer.
Needs PostgreSQL (it runs in the PostgreSQL pass of scripts/test) and Redis; it uses its own Redis
database number so it never touches anyone else's keys.
"""

from __future__ import annotations

import json
import os
import time

import pytest
from django.db import connection

from coproduce.deliberation import actions as deliberation
from coproduce.live.models import Phase

from .factories import fresh, join, session_cookie_for, start_at
from .stack import Server, database_url_of, free_port, redis_available, require, server_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis, pytest.mark.postgres_only]

REDIS_URL = os.environ.get("COPRODUCE_TEST_REDIS_URL_TWO_WORKERS", "redis://127.0.0.1:6379/11")
WAIT = 30  # seconds: only a bound so that a broken test fails instead of hanging


def receive_until(ws, kind: str, predicate=lambda m: True) -> dict:
    deadline = time.monotonic() + WAIT
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no {kind!r} message in {WAIT} s")
        message = json.loads(ws.recv(timeout=left))
        if message["type"] == kind and predicate(message):
            return message


def connect(server: Server, session_id: int, cookie: str, view: str):
    from websockets.sync.client import connect as ws_connect

    return ws_connect(
        f"{server.ws_url}/ws/live/{session_id}/?as={view}",
        additional_headers={"Cookie": f"sessionid={cookie}", "Origin": server.url},
        open_timeout=WAIT,
    )


@pytest.fixture
def servers(tmp_path):
    if connection.vendor != "postgresql":  # not missing: ./scripts/test runs it in its PostgreSQL pass
        pytest.skip(
            "needs PostgreSQL shared by two processes: runs in the PostgreSQL pass (set DATABASE_URL)"
        )
    require(redis_available(REDIS_URL), f"needs Redis at {REDIS_URL}")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # our own database number: nobody else's keys
    env = server_env(
        database_url=database_url_of(connection.settings_dict), data_dir=tmp_path, redis_url=REDIS_URL
    )
    started = [Server(free_port(), env, tmp_path / f"server-{i}.log") for i in (1, 2)]
    try:
        for server in started:
            server.wait_until_up()
        yield started
    finally:
        for server in started:
            server.stop()


def test_a_vote_on_one_worker_updates_the_screen_on_the_other(live_session, facilitator, servers):
    first, second = servers
    session = start_at(live_session, Phase.Activity.STATEMENTS, facilitator)
    statement = deliberation.do_add_seed_statement(
        session, text="Carers should be told before discharge day.", acting_user=facilitator
    )
    participant = join(session, "Jo")
    with (
        connect(second, session.pk, session_cookie_for(user=facilitator), "screen") as screen,
        connect(first, session.pk, session_cookie_for(participant), "participant") as phone,
        connect(second, session.pk, session_cookie_for(user=facilitator), "control") as control,
    ):
        try:
            receive_until(screen, "state")
            receive_until(phone, "state")
            receive_until(control, "state")
            time.sleep(6)  # idle for longer than redis-py's default read timeout: connections must survive it
            phone.send(json.dumps({"type": "vote", "ref": 1, "statement": statement.pk, "value": "agree"}))
            ack = receive_until(phone, "ack")
            assert ack["ok"] is True, ack
            update = receive_until(screen, "map", lambda m: m["votes"] >= 1)
            assert "1 person has cast 1 vote on 1 statement." in update["html"]

            # And the other way: the facilitator moves on through the second worker;
            # the phone on the first follows.
            control.send(
                json.dumps(
                    {"type": "control", "ref": 2, "action": "advance", "version": fresh(session).version}
                )
            )
            assert receive_until(control, "ack")["ok"] is True
            state = receive_until(
                phone, "state", lambda m: m["phase"] and m["phase"]["activity"] == "take_home"
            )
            assert state["phase"]["title"] == "Tracking themes and take-home messages"
        except Exception:
            print("first server log:\n", first.log(), "\nsecond server log:\n", second.log())
            raise
