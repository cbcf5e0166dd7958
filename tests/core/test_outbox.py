"""The outbox: e-mail is queued, then sent by a worker that retries a failing mail server."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.utils import timezone

from coproduce.core import outbox, worker
from coproduce.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

ICS = "BEGIN:VCALENDAR\r\nSUMMARY:Open cuppa — café\r\nEND:VCALENDAR\r\n"


class MailServerDown(BaseEmailBackend):
    """A mail server that refuses every message, counting the attempts."""

    attempts = 0

    def send_messages(self, email_messages):
        type(self).attempts += 1
        raise ConnectionRefusedError("mail server refused the connection")


class MailServerUnreachable(BaseEmailBackend):
    """A mail server that cannot even be connected to."""

    def open(self):
        raise TimeoutError("timed out connecting to the mail server")


class SignallingBackend(LocmemBackend):
    """The test backend, which also says when a message has gone (for the threaded worker)."""

    sent = threading.Event()

    def send_messages(self, messages):
        count = super().send_messages(messages)
        type(self).sent.set()
        return count


class Clock:
    def __init__(self, monkeypatch):
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def queue(**extra) -> OutboxMessage:
    return outbox.queue_email(
        to="jo@example.org", subject="Your place: Open cuppa", body="Hello Jo,\n\nYou have a place.", **extra
    )


def test_a_queued_message_waits_for_the_worker_which_sends_it_whole(no_outbox_worker):
    message = queue(attachments=[("event-1.ics", ICS, "text/calendar; charset=UTF-8")])
    assert mail.outbox == []
    assert (message.status, message.attempts) == ("queued", 0)

    call_command("send_outbox")

    [sent] = mail.outbox
    assert (sent.to, sent.subject, sent.body) == (
        ["jo@example.org"],
        "Your place: Open cuppa",
        "Hello Jo,\n\nYou have a place.",
    )
    assert sent.from_email == "Coproduce <no-reply@coproduce.invalid>"
    assert sent.attachments == [("event-1.ics", ICS, "text/calendar; charset=UTF-8")]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")
    assert message.sent_at is not None
    # The body may hold a sign-in link: it is not kept once the message has gone.
    assert (message.body, message.attachments) == ("", [])

    call_command("send_outbox")
    assert len(mail.outbox) == 1, "a sent message is never sent again"


def test_a_failing_mail_server_leaves_the_message_queued_with_the_error_and_it_is_retried_later(
    no_outbox_worker, settings, clock
):
    settings.EMAIL_BACKEND = "tests.core.test_outbox.MailServerDown"
    MailServerDown.attempts = 0
    message = queue()

    assert outbox.send_due().failed == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert message.last_error == "ConnectionRefusedError: mail server refused the connection"
    assert message.next_attempt_at == clock.now + timedelta(seconds=60)

    outbox.send_due()
    assert MailServerDown.attempts == 1, "not retried before its pause is over"

    clock.advance(seconds=61)
    outbox.send_due()
    message.refresh_from_db()
    assert (message.status, message.attempts, MailServerDown.attempts) == ("queued", 2, 2)
    assert message.next_attempt_at == clock.now + timedelta(seconds=120), "the pause doubles"

    # The mail server is back: the next attempt sends it.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clock.advance(minutes=2, seconds=1)
    assert outbox.send_due().sent == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 3)
    assert [m.subject for m in mail.outbox] == ["Your place: Open cuppa"]


def test_an_unreachable_mail_server_keeps_every_message_for_a_retry(no_outbox_worker, settings):
    settings.EMAIL_BACKEND = "tests.core.test_outbox.MailServerUnreachable"
    first, second = queue(), queue()
    assert outbox.send_due().failed == 2
    for message in (first, second):
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("queued", 1)
        assert message.last_error == "TimeoutError: timed out connecting to the mail server"


def test_the_worker_gives_up_after_the_last_attempt_and_can_be_told_to_try_again(
    no_outbox_worker, settings, clock
):
    settings.EMAIL_BACKEND = "tests.core.test_outbox.MailServerDown"
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = queue()
    for _ in range(3):
        outbox.send_due()
        clock.advance(hours=1)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 3)
    assert message.body, "kept, so that it can be sent once the mail settings are fixed"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_outbox")
    assert mail.outbox == [], "a message given up on waits for the operator"
    call_command("send_outbox", "--retry-failed")
    message.refresh_from_db()
    assert message.status == "sent"
    assert len(mail.outbox) == 1


def test_old_messages_are_deleted_after_the_keeping_period(no_outbox_worker, settings, clock):
    settings.OUTBOX_KEEP_DAYS = 7
    old = queue()
    outbox.send_due()
    clock.advance(days=7, minutes=1)
    recent = queue()
    result = outbox.send_due()
    assert (result.sent, result.deleted) == (1, 1)
    assert list(OutboxMessage.objects.values_list("id", flat=True)) == [recent.pk]
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()


def test_a_pass_runs_every_job_even_when_one_fails(no_outbox_worker, monkeypatch):
    def broken():
        raise RuntimeError("a bug in one job")

    monkeypatch.setitem(worker.JOBS, "tests.broken", broken)
    queue()
    results = worker.run_pass()
    assert isinstance(results["tests.broken"], RuntimeError)
    assert results["core.send_outbox"].sent == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_the_in_process_worker_sends_a_queued_message_straight_away(no_outbox_worker, settings):
    """As in the demo: the server's own worker thread is woken by the queued message, not a poll."""
    settings.EMAIL_BACKEND = "tests.core.test_outbox.SignallingBackend"
    SignallingBackend.sent.clear()
    background = worker.start_in_process(poll_seconds=3600)
    try:
        queue()
        assert SignallingBackend.sent.wait(timeout=30), "the worker thread did not send the message"
    finally:
        background.shut_down()
    assert [m.subject for m in mail.outbox] == ["Your place: Open cuppa"]
    assert OutboxMessage.objects.get().status == "sent"
