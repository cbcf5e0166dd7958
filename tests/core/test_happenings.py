"""Happenings: announced after commit, each subscriber on its own, failures kept and retried."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction

from coproduce.core import happenings, worker
from coproduce.core.models import FailedHappening
from coproduce.events.actions import do_check_in
from coproduce.events.models import Registration
from tests.events.conftest import register

heard: list[tuple[str, int]] = []
broken = {"on": True}


def hear_attendance(*, registration):
    heard.append(("attendance", registration.pk))


def fail_on_attendance(*, registration):
    Registration.objects.filter(pk=registration.pk).update(
        access_needs_details="written by a failing subscriber"
    )
    if broken["on"]:
        raise RuntimeError("the payment service is down")
    heard.append(("retried", registration.pk))


@pytest.fixture
def subscribed():
    heard.clear()
    broken["on"] = True
    happenings.attendance_recorded.subscribe(fail_on_attendance)
    happenings.attendance_recorded.subscribe(hear_attendance)
    yield
    happenings.attendance_recorded.unsubscribe(fail_on_attendance)
    happenings.attendance_recorded.unsubscribe(hear_attendance)


@pytest.fixture
def registration(make_event, project, member):
    return register(make_event(project, capacity=5), member, notify=False)


def test_subscribers_hear_after_commit_and_a_failure_undoes_nothing_upstream(
    subscribed, registration, facilitator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        do_check_in(registration, acting_user=facilitator)
        assert heard == []  # not inside the transaction
    for callback in callbacks:
        callback()
    assert heard == [("attendance", registration.pk)]  # the other subscriber still ran
    registration.refresh_from_db()
    assert registration.checked_in_at is not None  # the upstream change stands
    assert registration.access_needs_details == ""  # the failing subscriber's own write was rolled back
    failure = FailedHappening.objects.get()
    assert (failure.happening, failure.subscriber) == (
        "attendance_recorded",
        "tests.core.test_happenings.fail_on_attendance",
    )
    assert failure.payload == {"registration": {"model": "events.registration", "pk": registration.pk}}
    assert "the payment service is down" in failure.error


def test_nobody_hears_of_a_change_that_rolled_back(subscribed, registration, facilitator):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            do_check_in(registration, acting_user=facilitator)
            raise RuntimeError("something later in the same request failed")
    assert heard == []
    assert not FailedHappening.objects.exists()


def test_a_failed_subscriber_is_run_again_by_the_retry_command(
    subscribed, registration, facilitator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        do_check_in(registration, acting_user=facilitator)
    broken["on"] = False
    call_command("retry_happenings", stdout=open("/dev/null", "w"))
    failure = FailedHappening.objects.get()
    assert failure.resolved_at is not None and failure.attempts == 2
    assert ("retried", registration.pk) in heard
    registration.refresh_from_db()
    assert registration.access_needs_details == "written by a failing subscriber"


@pytest.mark.django_db(transaction=True)  # real commits, so the subscribers run inside the request
def test_the_person_who_acted_never_sees_a_subscriber_fail(subscribed, registration, facilitator, client):
    client.force_login(facilitator)
    response = client.post(f"/events/{registration.event_id}/check-in/{registration.pk}/", follow=True)
    assert response.status_code == 200
    assert f"{registration.person.badge_name} is checked in." in response.content.decode()
    assert heard == [("attendance", registration.pk)]
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert FailedHappening.objects.count() == 1


def test_a_happening_refuses_a_payload_it_does_not_document():
    with pytest.raises(TypeError, match="registration"):
        happenings.attendance_recorded.announce(person=None)


def test_subscribing_twice_tells_once(registration, facilitator, django_capture_on_commit_callbacks):
    heard.clear()
    happenings.attendance_recorded.subscribe(hear_attendance)
    happenings.attendance_recorded.subscribe(hear_attendance)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            do_check_in(registration, acting_user=facilitator)
    finally:
        happenings.attendance_recorded.unsubscribe(hear_attendance)
    assert heard == [("attendance", registration.pk)]


def test_the_background_worker_retries_a_failure_once_its_pause_is_over(
    subscribed, registration, facilitator, django_capture_on_commit_callbacks
):
    assert worker.JOBS["core.retry_happenings"] is happenings.retry_due
    with django_capture_on_commit_callbacks(execute=True):
        do_check_in(registration, acting_user=facilitator)
    broken["on"] = False
    failure = FailedHappening.objects.get()
    assert happenings.retry_due(now=failure.failed_at + timedelta(minutes=1)) == "0 retried, 0 succeeded"
    assert ("retried", registration.pk) not in heard
    assert happenings.retry_due(now=failure.failed_at + timedelta(minutes=3)) == "1 retried, 1 succeeded"
    failure.refresh_from_db()
    assert failure.resolved_at is not None and failure.attempts == 2
    assert ("retried", registration.pk) in heard
