"""The codebook, each coder's own codings, memos, and assisted-coding suggestions."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from .sources import Segment, Source


class Code(models.Model):
    """A code in a project's codebook. Codes nest (``parent``); every edit bumps ``version``.

    ``version`` lets two people edit together without one silently overwriting the other: a save
    based on an older version is refused and the newer one shown.
    """

    project = models.ForeignKey("partnerships.Project", on_delete=models.CASCADE, related_name="codes")
    guid = models.UUIDField(default=uuid.uuid4, editable=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    examples = models.TextField(blank=True, help_text="Examples of what fits this code, in your own words.")
    color = models.CharField(max_length=7, blank=True)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "position", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "guid"], name="code_guid_unique_in_project")
        ]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[Code]:
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return list(reversed(chain))

    @property
    def path(self) -> str:
        return " › ".join([a.name for a in self.ancestors()] + [self.name])


class CodeRevision(models.Model):
    """What a code looked like after each edit: the codebook's history."""

    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    examples = models.TextField(blank=True)
    parent = models.ForeignKey(Code, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(default=timezone.now)
    change = models.CharField(max_length=200)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="one_revision_per_version")]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Coding(models.Model):
    """One coder applied one code to characters ``[start, end)`` of a source. Each coder's own."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="codings")
    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="codings")
    coder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="codings")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    guid = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["source", "start", "end", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "code", "coder", "start", "end"], name="one_coding_per_span"
            ),
            models.CheckConstraint(condition=models.Q(start__lt=models.F("end")), name="coding_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.code} [{self.start}, {self.end})"

    @property
    def text(self) -> str:
        return self.source.text[self.start : self.end]


class Memo(models.Model):
    """A note while analysing, on a code or on a segment. Visible to everyone coding the project."""

    project = models.ForeignKey("partnerships.Project", on_delete=models.CASCADE, related_name="+")
    code = models.ForeignKey(Code, null=True, blank=True, on_delete=models.CASCADE, related_name="memos")
    segment = models.ForeignKey(
        Segment, null=True, blank=True, on_delete=models.CASCADE, related_name="memos"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(code__isnull=False, segment__isnull=True)
                    | models.Q(code__isnull=True, segment__isnull=False)
                ),
                name="memo_on_code_or_segment",
            )
        ]

    def __str__(self) -> str:
        return f"Memo {self.pk}"


class Suggestion(models.Model):
    """A code Coproduce suggests for an uncoded segment. Nothing is applied until someone accepts it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    project = models.ForeignKey("partnerships.Project", on_delete=models.CASCADE, related_name="+")
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="suggestions")
    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="suggestions")
    confidence = models.FloatField()
    origin = models.CharField(max_length=20, default="suggester")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-confidence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["segment", "code"], name="one_suggestion_per_segment_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} for {self.segment} ({self.confidence:.2f})"


class ThemeCandidate(models.Model):
    """A theme found by theme discovery, waiting for the team to adopt it into the codebook or set it aside.

    Its label and keywords come only from the passages it was found in (``source_ids`` are their
    sources, pseudonymised before discovery), so it is shown only to people who may read all of them.
    """

    project = models.ForeignKey("partnerships.Project", on_delete=models.CASCADE, related_name="+")
    discovered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_ids = models.JSONField(default=list, blank=True, help_text="Sources the passages came from.")
    label = models.CharField(max_length=200)
    keywords = models.JSONField(default=list, blank=True)
    segment_ids = models.JSONField(default=list, help_text="Representative segments, best first.")
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    adopted_code = models.ForeignKey(Code, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    dismissed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-size", "id"]

    def __str__(self) -> str:
        return self.label
