"""The outbox: every e-mail is queued here and sent by a worker, never inside a request.

Apps call :func:`queue_email` where they used to send. The message (body and attachments) is stored as
an :class:`~coproduce.core.models.OutboxMessage`; :func:`send_due` — run by ``coproduce worker``,
``coproduce manage send_outbox``, or the in-process worker that ``coproduce serve`` starts on the
embedded database — sends whatever is due. So a slow or failing mail server never slows a page, and
the time a page takes never tells a stranger whether an address is known.

Queue after the action's transaction commits (``transaction.on_commit``), as the apps do, so nobody is
told of something a rollback took away.

Sending:

- Several workers may run at once: each claims a batch (``SELECT ... FOR UPDATE SKIP LOCKED`` on
  PostgreSQL; SQLite serialises writers) by pushing its ``next_attempt_at`` ahead by
  :data:`CLAIM_SECONDS`, sends it outside any transaction, then records the result. A worker that dies
  mid-batch leaves its claim to expire, and the messages are sent by the next pass (at least once).
- A failure keeps the message queued with the error; the next attempt waits
  ``OUTBOX_RETRY_SECONDS`` × 2^(attempts − 1), at most an hour. After ``OUTBOX_MAX_ATTEMPTS`` the
  message is marked failed (``send_outbox --retry-failed`` queues those again).
- A sent message's body and attachments are erased at once; the rest is deleted after
  ``OUTBOX_KEEP_DAYS``, as are failed messages.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage
from .text import clean_line, clean_text

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 300  # a claimed batch is left alone this long; sending it takes far less
LONGEST_PAUSE = timedelta(hours=1)
BATCH = 100

Attachment = tuple[str, str | bytes, str]  # (filename, content, mimetype), as EmailMessage.attach takes

# Called (with no arguments) each time a message is queued: the in-process worker listens here to send
# at once instead of at its next poll. Listeners are called straight away, inside any transaction;
# one that needs the message committed defers itself with ``transaction.on_commit``.
_queued_listeners: list[Callable[[], None]] = []


def add_queued_listener(listener: Callable[[], None]) -> None:
    if listener not in _queued_listeners:
        _queued_listeners.append(listener)


def remove_queued_listener(listener: Callable[[], None]) -> None:
    if listener in _queued_listeners:
        _queued_listeners.remove(listener)


def queue_email(
    *,
    to: str,
    subject: str,
    body: str,
    attachments: Iterable[Attachment] = (),
    from_email: str | None = None,
) -> OutboxMessage:
    """Queue one plain-text e-mail to one address for the worker to send. Returns the stored message.

    ``attachments`` are ``(filename, content, mimetype)``; text content is stored as UTF-8.
    """
    stored = [
        {
            "filename": filename,
            "mimetype": mimetype,
            "content": base64.b64encode(content.encode() if isinstance(content, str) else content).decode(),
        }
        for filename, content, mimetype in attachments
    ]
    message = OutboxMessage.objects.create(
        to=to,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        # A header is one line, and nothing a mail server or PostgreSQL would refuse; a title saved
        # before titles were cleaned at the door (core.text) cannot stop the e-mail.
        subject=clean_line(subject),
        body=clean_text(body),
        attachments=stored,
        next_attempt_at=timezone.now(),
    )
    for listener in list(_queued_listeners):
        listener()
    return message


def as_email(message: OutboxMessage, connection=None) -> EmailMessage:
    """The stored message as Django's EmailMessage, ready for a mail backend."""
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=message.from_email,
        to=[message.to],
        connection=connection,
    )
    for attachment in message.attachments:
        content = base64.b64decode(attachment["content"])
        if attachment["mimetype"].startswith("text/"):
            content = content.decode()
        email.attach(attachment["filename"], content, attachment["mimetype"])
    return email


def pause_after(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: doubling from OUTBOX_RETRY_SECONDS."""
    pause = timedelta(seconds=settings.OUTBOX_RETRY_SECONDS * 2 ** max(attempts - 1, 0))
    return min(pause, LONGEST_PAUSE)


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    gave_up: int = 0
    deleted: int = 0

    def __str__(self) -> str:
        return (
            f"{self.sent} sent, {self.failed} failed (will retry), {self.gave_up} gave up, "
            f"{self.deleted} old messages deleted"
        )


def _claim(now: datetime, limit: int) -> list[int]:
    due = OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now)
    # A cheap read first: on SQLite, the claim below takes the database's write lock.
    if not due.exists():
        return []
    with transaction.atomic():
        ids = list(
            due.select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        OutboxMessage.objects.filter(id__in=ids, status=OutboxMessage.Status.QUEUED).update(
            next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS)
        )
    return ids


def _record_failure(message: OutboxMessage, error: Exception, result: SendResult) -> None:
    now = timezone.now()
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        message.status = OutboxMessage.Status.FAILED
        result.gave_up += 1
        logger.error("Gave up sending %r after %s attempts: %s", message.subject, message.attempts, error)
    else:
        message.next_attempt_at = now + pause_after(message.attempts)
        result.failed += 1
        logger.warning("Could not send %r (attempt %s): %s", message.subject, message.attempts, error)
    message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])


def _record_sent(message: OutboxMessage, result: SendResult) -> None:
    message.attempts += 1
    message.status = OutboxMessage.Status.SENT
    message.sent_at = timezone.now()
    message.body, message.attachments = "", []  # may hold a sign-in link: keep it no longer than needed
    message.save(update_fields=["attempts", "status", "sent_at", "body", "attachments"])
    result.sent += 1


def delete_old(now: datetime | None = None) -> int:
    """Delete sent and failed messages older than OUTBOX_KEEP_DAYS. Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    old = OutboxMessage.objects.exclude(status=OutboxMessage.Status.QUEUED).filter(created_at__lt=cutoff)
    if not old.exists():  # a read: on SQLite a delete takes the write lock even when it matches nothing
        return 0
    deleted, _ = old.delete()
    return deleted


def send_due(*, limit: int = BATCH) -> SendResult:
    """Send every queued message that is due (up to ``limit``) and delete old ones.

    Safe to run in several processes at once.
    """
    result = SendResult()
    ids = _claim(timezone.now(), limit)
    if ids:
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
        except Exception as error:  # the server is down: every claimed message waits for a retry
            for message in OutboxMessage.objects.filter(id__in=ids):
                _record_failure(message, error, result)
            return result
        try:
            for message in OutboxMessage.objects.filter(id__in=ids).order_by("id"):
                try:
                    connection.send_messages([as_email(message, connection)])
                except Exception as error:  # one bad message or a dropped connection: retry later
                    _record_failure(message, error, result)
                else:
                    _record_sent(message, result)
        finally:
            connection.close()
    result.deleted = delete_old()
    return result


def retry_failed() -> int:
    """Queue again every message the worker gave up on (e.g. after fixing the mail settings)."""
    return OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).update(
        status=OutboxMessage.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
