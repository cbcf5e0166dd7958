"""Organisations, the projects they run together, and who is in each project with which role."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from .ladder import LadderRung, explain_rung


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NHS_TRUST = "nhs_trust", "NHS trust"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        UNIVERSITY = "university", "University"
        VOLUNTARY = "voluntary", "Voluntary or community organisation"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # "Harbour Lane Hub" and "harbour lane hub" are the same organisation.
            models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    class Status(models.TextChoices):
        PLANNING = "planning", "Planning"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    LadderRung = LadderRung  # the rungs and their explanations live in ladder.py

    title = models.CharField(max_length=200)
    purpose = models.TextField(help_text="What the project is for, in plain English.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNING)
    ladder_rung = models.CharField(
        max_length=15,
        choices=LadderRung.choices,
        default=LadderRung.CO_PRODUCTION,
        help_text="The rung of the ladder of co-production this project aims for.",
    )
    organisations = models.ManyToManyField(Organisation, related_name="projects", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def ladder_rung_explanation(self) -> str:
        return explain_rung(self.ladder_rung)


class Membership(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", "Coordinator"
        FACILITATOR = "facilitator", "Facilitator"
        STEERING = "steering", "Steering group member"
        MEMBER = "member", "Member"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "person"], name="one_membership_per_person")
        ]
        ordering = ["project", "role", "id"]

    def __str__(self) -> str:
        return f"{self.person} in {self.project} ({self.get_role_display()})"


def split_rules(text: str) -> list[str]:
    """Ground rules are written one per line; blank lines are ignored."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class GroundRulesVersion(models.Model):
    """One published version of a project's ground rules. Versions are numbered 1, 2, 3... and kept."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ground_rules_versions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    summary_of_changes = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="one_ground_rules_version_per_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="ground_rules_version_from_one"),
        ]

    def __str__(self) -> str:
        return f"Ground rules for {self.project}, version {self.number}"

    @property
    def rules(self) -> list[str]:
        return split_rules(self.text)


class GroundRulesDraft(models.Model):
    """The shared working copy the next version is written in.

    ``revision`` goes up by one on every save, so two people editing at once cannot silently overwrite
    each other: a save based on an older revision is refused.
    """

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="ground_rules_draft")
    text = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Draft ground rules for {self.project} (revision {self.revision})"

    @property
    def rules(self) -> list[str]:
        return split_rules(self.text)


class GroundRulesAgreement(models.Model):
    """A person agreed to one version of a project's ground rules."""

    version = models.ForeignKey(GroundRulesVersion, on_delete=models.CASCADE, related_name="agreements")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ground_rules_agreements"
    )
    agreed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["version", "agreed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "person"], name="one_agreement_per_person_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} agreed to {self.version}"
