"""Organisations, the projects they run together, and who is in each project with which role."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    class Status(models.TextChoices):
        PLANNING = "planning", "Planning"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    class LadderRung(models.TextChoices):
        """Think Local Act Personal's ladder of co-production, lowest rung first."""

        COERCION = "coercion", "Coercion"
        EDUCATING = "educating", "Educating"
        INFORMING = "informing", "Informing"
        CONSULTATION = "consultation", "Consultation"
        ENGAGEMENT = "engagement", "Engagement"
        CO_DESIGN = "co_design", "Co-design"
        CO_PRODUCTION = "co_production", "Co-production"

    title = models.CharField(max_length=200)
    purpose = models.TextField(help_text="What the project is for, in plain English.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNING)
    ladder_rung = models.CharField(
        max_length=15, choices=LadderRung.choices, default=LadderRung.CO_PRODUCTION,
        help_text="The rung of the ladder of co-production this project aims for.",
    )
    organisations = models.ManyToManyField(Organisation, related_name="projects", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


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
        constraints = [models.UniqueConstraint(fields=["project", "person"], name="one_membership_per_person")]
        ordering = ["project", "role", "id"]

    def __str__(self) -> str:
        return f"{self.person} in {self.project} ({self.get_role_display()})"
