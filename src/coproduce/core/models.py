"""The audit trail every action writes to."""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One state change: who did what to which object, and when.

    ``subject_type``/``subject_id`` name the changed object without a foreign key, so the trail
    survives the object's deletion (e.g. after erasure). ``details`` never holds special category
    data: only ids, counts and field names.
    """

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=80, db_index=True)
    subject_type = models.CharField(max_length=80)
    subject_id = models.CharField(max_length=64)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.subject_type}:{self.subject_id}"


class FailedHappening(models.Model):
    """A subscriber that raised when told of a happening, kept so the work can be run again.

    The upstream change stands (see ``core.happenings``); ``payload`` holds ids and plain values only.
    """

    happening = models.CharField(max_length=80)
    subscriber = models.CharField(max_length=255, help_text="dotted name of the subscriber function")
    payload = models.JSONField(default=dict)
    error = models.TextField()
    failed_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=1)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["failed_at", "id"]
        indexes = [models.Index(fields=["resolved_at", "failed_at"])]

    def __str__(self) -> str:
        return f"{self.subscriber} on {self.happening}"


class OutboxMessage(models.Model):
    """An e-mail waiting to be sent, or sent: every e-mail goes through here (``core.outbox``).

    Apps never talk to the mail server inside a request: they queue the rendered message (body and
    attachments, e.g. an event's .ics) and a worker sends it, retrying with a growing pause when the
    server fails. The body may hold a sign-in link, so it is erased as soon as the message is sent;
    what stays (recipients, subject, times) is kept for ``OUTBOX_KEEP_DAYS`` to answer "did it go?".
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed: gave up after the last attempt"

    to = models.EmailField(db_index=True, help_text="one recipient: a person's data is found by address")
    from_email = models.CharField(max_length=254)
    subject = models.CharField(max_length=998)
    body = models.TextField(blank=True)
    attachments = models.JSONField(
        default=list, blank=True, help_text="[{filename, mimetype, content (base64)}]"
    )
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(
        help_text="when a worker may next try it (also pushed ahead while one is sending it)"
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sent", "failed"]), name="outbox_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status="sent", sent_at__isnull=False)
                | (~models.Q(status="sent") & models.Q(sent_at__isnull=True)),
                name="outbox_sent_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to} ({self.status})"
