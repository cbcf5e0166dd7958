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
