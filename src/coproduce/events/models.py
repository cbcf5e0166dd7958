"""Events people sign up to, with an agenda of timed items."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

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
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_it_starts"
            ),
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


class RegistrationQuerySet(models.QuerySet):
    """Who holds a place and who waits, counting a visitor's unconfirmed sign-up only until it lapses.

    A lapsed sign-up (``confirm_by`` passed) is released by the next change to the event's places or by
    the background worker; until then these reads already treat it as gone, so a stale hold never
    blocks a place.
    """

    def lapsed(self, now=None):
        """Unconfirmed sign-ups (a held place or a waitlist spot) whose time to confirm is over."""
        return self.filter(
            status__in=[Registration.Status.HELD, Registration.Status.WAITLISTED],
            confirm_by__lte=now or timezone.now(),
        )

    def taking_places(self, now=None):
        """Confirmed places and places held for a visitor who may still confirm."""
        return self.filter(
            Q(status=Registration.Status.REGISTERED)
            | Q(status=Registration.Status.HELD, confirm_by__gt=now or timezone.now())
        )

    def held(self, now=None):
        return self.filter(status=Registration.Status.HELD, confirm_by__gt=now or timezone.now())

    def waiting(self, now=None):
        """The waitlist, without visitors whose time to confirm is over."""
        return self.filter(status=Registration.Status.WAITLISTED).filter(
            Q(confirm_by__isnull=True) | Q(confirm_by__gt=now or timezone.now())
        )


class Registration(models.Model):
    """One person's sign-up to one event: a place, a held place, a place on the waitlist, or cancelled.

    A person has at most one *active* (registered, held or waitlisted) registration per event;
    cancelled ones are kept as history and a person who signs up again gets a new row at the back of
    the queue. The waitlist order is ``created_at`` then ``id``: a position is derived, never stored,
    so it cannot go stale when someone ahead cancels or is promoted.

    A visitor who signs up without signing in must confirm their e-mail address by ``confirm_by``
    (the link in their e-mail): until then a free place is *held* for them (it counts as taken, so
    two visitors cannot overbook) or they keep their spot on the waitlist; after it, the sign-up
    lapses and the place goes to the first person waiting. Signed-in people proved their address
    when they signed in: they get a place (or a waitlist spot) at once, with no ``confirm_by``.
    """

    class Status(models.TextChoices):
        REGISTERED = "registered", "Registered"
        HELD = "held", "Place held until the e-mail address is confirmed"
        WAITLISTED = "waitlisted", "On the waitlist"
        CANCELLED = "cancelled", "Cancelled"

    class Attendance(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    attendance = models.CharField(
        max_length=10,
        choices=Attendance.choices,
        help_text=(
            "How the person takes part: fixed by the event's format, or their choice at a hybrid event."
        ),
    )
    access_needs = models.JSONField(default=list, blank=True, help_text="Codes from people.AccessNeed.")
    access_needs_details = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, help_text="Also the place in the waitlist queue.")
    promoted_at = models.DateTimeField(
        null=True, blank=True, help_text="When a place came up from the waitlist."
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    confirm_by = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A visitor's sign-up lapses unless their e-mail address is confirmed by then. "
        "Empty once confirmed, and for people who were signed in.",
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["event", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=~Q(status="cancelled"),
                name="one_active_registration_per_person",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["registered", "held", "waitlisted", "cancelled"]),
                name="registration_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(confirm_by__isnull=False),
                name="held_place_has_a_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(status="registered") | Q(confirm_by__isnull=True),
                name="registered_place_is_confirmed",
            ),
            models.CheckConstraint(
                condition=Q(attendance__in=["in_person", "online"]), name="registration_attendance_valid"
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status="registered"),
                name="only_registered_people_check_in",
            ),
            models.CheckConstraint(
                condition=(Q(status="cancelled") & Q(cancelled_at__isnull=False))
                | (~Q(status="cancelled") & Q(cancelled_at__isnull=True)),
                name="cancelled_registration_has_date",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"], name="registration_queue")]

    def __str__(self) -> str:
        return f"{self.person} for {self.event} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED

    @property
    def is_confirmed(self) -> bool:
        """False while a visitor's sign-up waits for them to confirm their e-mail address."""
        return self.confirm_by is None

    @property
    def has_lapsed(self) -> bool:
        """A visitor's sign-up whose time to confirm is over (released, or about to be)."""
        return self.confirm_by is not None and self.confirm_by <= timezone.now()

    @property
    def attended(self) -> bool:
        return self.checked_in_at is not None


class CalendarFeed(models.Model):
    """A person's private calendar address: anyone holding the token can read their list of events.

    The token is a capability, like a private calendar link in other calendar apps: the person can
    make a new one (the old address stops working at once) or turn the feed off.
    """

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.person}"
