"""A live session of a workshop event: timed phases, a join code, and the people taking part.

The timer lives in the database, not in any worker: ``phase_running_since`` and
``phase_elapsed_seconds`` let every worker compute the time left for the current phase.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from coproduce.events.models import Event

# No 0/O, 1/I/L: a code read aloud or copied from a projector should not be misread.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(code: str) -> str:
    """What a person typed, as the stored code: upper case, without spaces or dashes."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


class LiveSession(models.Model):
    class Status(models.TextChoices):
        READY = "ready", "Ready to start"
        LIVE = "live", "Running"
        FINISHED = "finished", "Finished"

    class Moderation(models.TextChoices):
        AUTOMATIC = "automatic", "Show statements straight away"
        FACILITATOR = "facilitator", "A facilitator accepts each statement first"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="live_sessions")
    title = models.CharField(max_length=200)
    join_code = models.CharField(max_length=12, unique=True, default=new_join_code)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.READY)
    capacity = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="The most people who can join. Leave empty for the usual limit.",
    )
    moderation = models.CharField(max_length=12, choices=Moderation.choices, default=Moderation.AUTOMATIC)
    # Only people signed in to an account may join: a join code alone is not enough.
    signed_in_only = models.BooleanField(default=False)
    co_facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="co_facilitated_sessions",
        help_text="Project members who share control of this session.",
    )
    current_phase = models.ForeignKey(
        "Phase", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the current phase's timer last started running; None while paused or not started.
    phase_running_since = models.DateTimeField(null=True, blank=True)
    # Seconds the current phase ran before its last pause.
    phase_elapsed_seconds = models.FloatField(default=0)
    # Minutes added to the current phase by "extend", in seconds.
    phase_extra_seconds = models.PositiveIntegerField(default=0)
    # Goes up with every change of phase or timer, so a page can tell it is showing an old state.
    version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.LIVE

    @property
    def is_finished(self) -> bool:
        return self.status == self.Status.FINISHED

    @property
    def is_paused(self) -> bool:
        return self.is_live and self.current_phase_id is not None and self.phase_running_since is None

    @property
    def join_limit(self) -> int | None:
        """The most people who can join: the session's capacity, or when its facilitator left that empty,
        ``settings.COPRODUCE_LIVE_DEFAULT_CAPACITY`` (None when that is 0: no limit)."""
        if self.capacity is not None:
            return self.capacity
        return settings.COPRODUCE_LIVE_DEFAULT_CAPACITY or None

    @property
    def display_code(self) -> str:
        """The join code split in two for reading aloud: "K7P 3MX"."""
        half = len(self.join_code) // 2
        return f"{self.join_code[:half]} {self.join_code[half:]}"

    def timer(self, now: datetime | None = None) -> PhaseTimer | None:
        """The current phase's timer, or None when no phase is running or paused."""
        if not self.is_live or self.current_phase is None:
            return None
        now = now or timezone.now()
        elapsed = self.phase_elapsed_seconds
        if self.phase_running_since is not None:
            elapsed += max(0.0, (now - self.phase_running_since).total_seconds())
        total = self.current_phase.duration_minutes * 60 + self.phase_extra_seconds
        return PhaseTimer(
            total_seconds=total, elapsed_seconds=elapsed, running=self.phase_running_since is not None
        )


@dataclass(frozen=True)
class PhaseTimer:
    total_seconds: int
    elapsed_seconds: float
    running: bool

    @property
    def remaining_seconds(self) -> int:
        """Whole seconds left; negative once the phase has run over."""
        left = self.total_seconds - self.elapsed_seconds
        return int(left) if left >= 0 else -int(-left + 0.999)

    @property
    def is_over(self) -> bool:
        return self.remaining_seconds <= 0


def describe_time_left(seconds: int) -> str:
    """Plain English for a countdown: "12 minutes left", "Time is up", "2 minutes over time"."""
    if seconds <= 0:
        over = -seconds
        if over < 60:
            return "Time is up"
        minutes = over // 60
        return f"{minutes} minute{'s' if minutes != 1 else ''} over time"
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''} left"
    minutes, secs = divmod(seconds, 60)
    if minutes < 5 and secs:
        return f"{minutes} min {secs} s left"
    minutes = (seconds + 59) // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''} left"


class Phase(models.Model):
    """One timed part of a live session, doing one activity."""

    class Activity(models.TextChoices):
        INFORMATION = "information", "Information and ground rules"
        STATEMENTS = "statements", "Statements and voting"
        COMMON_GROUND = "common_ground", "Review common ground on the live map"
        TAKE_HOME = "take_home", "Take-home messages"
        PASS_IT_ON = "pass_it_on", "Pass it on: add to each other's pieces"

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="phases")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120)
    purpose = models.TextField(blank=True, help_text="What this part is for, shown to everyone.")
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(480)]
    )
    activity = models.CharField(max_length=16, choices=Activity.choices, default=Activity.INFORMATION)
    additions_per_piece = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Pass it on: how many other people add to each piece.",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="live_phase_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.duration_minutes} min)"

    @property
    def has_run(self) -> bool:
        return self.started_at is not None


class Participant(models.Model):
    """Someone taking part in one live session, known only by the badge name they gave.

    No account is needed: the browser's session cookie remembers which participant it is.
    A signed-in person is linked through ``person`` so they are recognised on any device.
    """

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="participants")
    badge_name = models.CharField(max_length=40)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="live_participations",
    )
    # A random key: exports order and number participants by it, so the numbers say nothing about who
    # joined when.
    anonymous_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=Q(person__isnull=False),
                name="live_one_participant_per_person",
            ),
            models.UniqueConstraint("session", Lower("badge_name"), name="live_badge_name_unique_in_session"),
        ]

    def __str__(self) -> str:
        return self.badge_name
