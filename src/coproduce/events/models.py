"""Events people sign up to, with an agenda of timed items."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.db.models import F, Q

from coproduce.partnerships.models import Project


class Event(models.Model):
    class Kind(models.TextChoices):
        WORKSHOP = "workshop", "Workshop"
        LISTENING = "listening", "Listening session"
        INTERVIEW = "interview", "Interview"
        TRAINING = "training", "Training session"
        FESTIVAL = "festival", "Festival or conference session"
        DROP_IN = "drop_in", "Drop-in"
        MEETING = "meeting", "Meeting"

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"
        HYBRID = "hybrid", "Hybrid (in person or online)"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.WORKSHOP)
    is_public = models.BooleanField(default=False, help_text="Listed on the public events page.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="Europe/London")
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.IN_PERSON)
    venue = models.TextField(blank=True, help_text="Address and how to find the room.")
    access_information = models.TextField(
        blank=True, help_text="Step-free access, hearing loop, quiet space, toilets, parking, transport."
    )
    online_joining_link = models.URLField(blank=True, help_text="Shown only to people who are registered.")
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="Leave empty for no limit.")
    registration_opens_at = models.DateTimeField(null=True, blank=True)
    registration_closes_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_it_starts"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at


class AgendaItem(models.Model):
    """One timed item of an event's agenda, e.g. "Exploring together, 30 minutes"."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    duration_minutes = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["event", "position"]
        constraints = [models.UniqueConstraint(fields=["event", "position"], name="agenda_position_unique")]

    def __str__(self) -> str:
        return f"{self.title} ({self.duration_minutes} min)"
