"""Write audit rows from actions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from .models import AuditEntry


def record(action: str, subject: models.Model, *, acting_user: Any, **details: Any) -> AuditEntry:
    """Record that ``acting_user`` did ``action`` to ``subject``.

    Call inside the action's transaction so the row commits (or rolls back) with the change.
    ``acting_user`` may be None (the system, or someone not signed in).
    """
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        acting_user=user,
        action=action,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        details=details,
    )


def record_many(action: str, entries: Iterable[tuple[models.Model, dict]], *, acting_user: Any) -> None:
    """Record ``action`` on many subjects at once, one ``(subject, details)`` pair each, in one insert.

    For actions that change hundreds of rows together (an import); the rows are the same as
    :func:`record` would write, one per subject.
    """
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    AuditEntry.objects.bulk_create(
        AuditEntry(
            acting_user=user,
            action=action,
            subject_type=subject._meta.label_lower,
            subject_id=str(subject.pk),
            details=details,
        )
        for subject, details in entries
    )
