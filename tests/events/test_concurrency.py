"""Parallel sign-ups and cancellations on PostgreSQL: the capacity is never exceeded.

Each thread is a separate HTTP request through Django's test client, with its own database
connection, released together by a barrier. To make the race real rather than lucky, the action is
slowed between counting the places taken and saving the sign-up: without the event row lock, every
request would see a free place and this test fails (checked by removing ``select_for_update``).
"""

from __future__ import annotations

import threading
import time

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import Client

from coproduce.events import actions
from coproduce.events.access import waitlist_position
from coproduce.events.models import Registration

from .conftest import person, register

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (set DATABASE_URL): "
            "SQLite has one writer at a time, so there is no race to show"
        )


@pytest.fixture
def slow_counting(monkeypatch):
    count_places = actions._status_for_new_registration

    def slowly(event, **how):
        status = count_places(event, **how)
        time.sleep(0.05)  # widen the window between reading the count and writing the sign-up
        return status

    monkeypatch.setattr(actions, "_status_for_new_registration", slowly)


def run_in_parallel(work, n: int) -> list:
    """Run ``work(i)`` in ``n`` threads released at the same moment; return results (or exceptions)."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            results[i] = work(i, barrier)
        except Exception as error:  # surfaced by the caller's assertions
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_parallel_sign_ups_for_the_last_places_never_exceed_capacity(
    postgres, slow_counting, make_event, project
):
    event = make_event(project, title="Popular workshop", is_public=True, capacity=5)
    for n in range(3):
        register(event, person(100 + n), notify=False)  # 2 places left
    people = [person(n) for n in range(10)]
    clients = []
    for p in people:
        client = Client()
        client.force_login(p)
        clients.append(client)

    def sign_up(i, barrier):
        barrier.wait()
        return clients[i].post(f"/events/{event.pk}/sign-up/", {}).status_code

    results = run_in_parallel(sign_up, len(people))

    assert results == [302] * len(people)
    registered = Registration.objects.filter(event=event, status="registered").count()
    waiting = list(Registration.objects.filter(event=event, status="waitlisted"))
    assert registered == 5
    assert len(waiting) == 8
    assert sorted(waitlist_position(r) for r in waiting) == list(range(1, 9))
    assert len(mail.outbox) == 10
    assert sum(1 for m in mail.outbox if m.subject.startswith("Your place")) == 2


def test_parallel_cancellations_promote_the_right_people_once(postgres, make_event, project):
    event = make_event(project, title="Full workshop", is_public=True, capacity=2)
    holders = [person(n) for n in range(2)]
    queue = [person(10 + n) for n in range(4)]
    for p in holders + queue:
        register(event, p, notify=False)
    registrations = [Registration.objects.get(event=event, person=p) for p in holders]

    def cancel(i, barrier):
        barrier.wait()
        return len(actions.do_cancel_registration(registrations[i], acting_user=holders[i]))

    results = run_in_parallel(cancel, 2)

    assert sorted(results) == [1, 1]
    statuses = {
        r.person.email: r.status for r in Registration.objects.filter(event=event).select_related("person")
    }
    assert [statuses[p.email] for p in queue] == ["registered", "registered", "waitlisted", "waitlisted"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([queue[0].email, queue[1].email])


def test_parallel_double_sign_up_by_one_person_makes_one_registration(
    postgres, slow_counting, make_event, project
):
    event = make_event(project, title="Drop-in", is_public=True, capacity=10)
    someone = person(1)
    clients = []
    for _ in range(4):
        client = Client()
        client.force_login(someone)
        clients.append(client)

    def sign_up(i, barrier):
        barrier.wait()
        return clients[i].post(f"/events/{event.pk}/sign-up/", {}).status_code

    assert run_in_parallel(sign_up, 4) == [302] * 4
    assert Registration.objects.filter(event=event, person=someone).count() == 1
