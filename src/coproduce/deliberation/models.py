"""What people contribute in a live session: statements and votes, take-home messages, pass-it-on pieces,
and the latest opinion map computed from the votes.

Votes are private: only aggregates (counts, groups, common ground) are ever shown to anyone.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from coproduce.live.models import LiveSession, Participant, Phase

STATEMENT_MAX = 280
MESSAGE_MAX = 280


class Statement(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a facilitator"
        ACCEPTED = "accepted", "Accepted"
        HIDDEN = "hidden", "Hidden"
        MERGED = "merged", "Merged into another statement"

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="statements")
    author = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )
    # Written by a facilitator to start the conversation, rather than by a participant.
    is_seed = models.BooleanField(default=False)
    text = models.CharField(max_length=STATEMENT_MAX)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACCEPTED)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="merged", merged_into__isnull=False)
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="statement_merged_iff_merged_into",
            ),
        ]
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_votable(self) -> bool:
        return self.status == self.Status.ACCEPTED


class Vote(models.Model):
    class Value(models.IntegerChoices):
        AGREE = 1, "Agree"
        DISAGREE = -1, "Disagree"
        PASS = 0, "Pass"

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    # Denormalised from the statement so a session's votes are read without a join.
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=Value.choices)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["statement", "participant"], name="one_vote_per_statement"),
            models.CheckConstraint(condition=Q(value__in=[-1, 0, 1]), name="vote_value_agree_disagree_pass"),
        ]
        indexes = [models.Index(fields=["session", "updated_at"])]

    def __str__(self) -> str:
        return f"vote {self.pk}"


class CurrentStatement(models.Model):
    """The statement a participant is being asked about now, so a reload or reconnect shows the same one."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, primary_key=True, related_name="current_statement"
    )
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"current statement of participant {self.participant_id}"


class OpinionMapSnapshot(models.Model):
    """The latest opinion map of a session: groups, what each believes, common ground.

    ``fingerprint`` names the votes and moderation it was computed from, so a reader can tell whether
    it is up to date without computing it again.
    """

    session = models.OneToOneField(
        LiveSession, on_delete=models.CASCADE, primary_key=True, related_name="opinion_map"
    )
    computed_at = models.DateTimeField()
    fingerprint = models.CharField(max_length=120)
    data = models.JSONField(default=dict)
    # The engine's statement priority, {statement id: priority}, kept apart from ``data`` because it is
    # read after every vote to choose the next statement.
    priority = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"opinion map of session {self.session_id}"


class TakeHomeMessage(models.Model):
    """One message per person per phase on the shared wall; shown without names."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="take_home_messages")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="take_home_messages")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="take_home_messages")
    text = models.CharField(max_length=MESSAGE_MAX)
    is_hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "participant"], name="one_take_home_per_phase")
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Piece(models.Model):
    """A pass-it-on piece: started by one person, then added to by several others. Nobody owns it."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="pieces")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="pieces")
    started_by = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who has been passed this piece to add to, and until when, so two people do not add at once.
    held_by = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    held_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "started_by"], name="one_piece_started_per_person")
        ]

    def __str__(self) -> str:
        return f"piece {self.pk}"


class PieceContribution(models.Model):
    piece = models.ForeignKey(Piece, on_delete=models.CASCADE, related_name="contributions")
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=MESSAGE_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["piece", "position"]
        constraints = [
            models.UniqueConstraint(fields=["piece", "position"], name="piece_contribution_position_unique"),
            models.UniqueConstraint(
                fields=["piece", "participant"], name="one_contribution_per_person_per_piece"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]
