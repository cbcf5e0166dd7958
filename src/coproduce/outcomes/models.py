"""Actions ("you said, we did"), where each came from, its timeline, and who was told."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.Model):
    """Something a project will do (or has decided not to do) because of what people said."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        AGREED = "agreed", _("Agreed")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        NOT_DOING = "not_doing", _("Not doing")

    project = models.ForeignKey("partnerships.Project", on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=200, help_text=_("What will be done, in plain words."))
    you_said = models.TextField(
        help_text=_("What people said, in your words. This is what the public page shows as “You said”.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    status_reason = models.TextField(blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    due_on = models.DateField(null=True, blank=True)
    is_public = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="outcomes_action_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=~Q(status="not_doing") | ~Q(status_reason=""),
                name="outcomes_action_not_doing_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ActionSource(models.Model):
    """One thing an action came from. A generic link: ``kind`` says which app's row ``object_id`` is.

    ``excerpt`` keeps the words as they were when linked, for the team; the public page never shows it
    (quotes are shown from sense-making only while their consent allows the public).
    """

    class Kind(models.TextChoices):
        STATEMENT = "statement", _("Statement from a live session")
        TAKE_HOME = "take_home", _("Take-home message")
        THEME = "theme", _("Theme")
        QUOTE = "quote", _("Quote")
        FEEDBACK_ANSWER = "feedback", _("Feedback answer")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    excerpt = models.TextField()
    where = models.CharField(max_length=300, blank=True)
    # Contributions whose author took part without signing in: kept as a count, they cannot be told.
    unreachable = models.PositiveIntegerField(default=0)
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action", "linked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["action", "kind", "object_id"], name="outcomes_source_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_id}"


class ActionContributor(models.Model):
    """A person whose words an action came from. They are told when it moves; never who else was."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="contributors")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="actions_from_my_words"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "person"], name="outcomes_contributor_once"),
        ]

    def __str__(self) -> str:
        return f"Contributor to action {self.action_id}"


class ActionUpdate(models.Model):
    """One entry in an action's timeline: what changed and a note."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=12, choices=Action.Status.choices)
    progress = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True)
    status_changed = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()}, {self.progress}%"


class Notice(models.Model):
    """That a contributor was told about an update, and how (or why not by e-mail)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        HOME_PAGE = "home", _("Home page only")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outcome_notices"
    )
    update = models.ForeignKey(ActionUpdate, on_delete=models.CASCADE, related_name="notices")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "update"], name="outcomes_notice_once"),
        ]

    def __str__(self) -> str:
        return f"Notice of update {self.update_id} ({self.channel})"


class PublicPage(models.Model):
    """A project's public "You said, we did" page: off until a coordinator publishes it."""

    project = models.OneToOneField(
        "partnerships.Project", on_delete=models.CASCADE, related_name="you_said_we_did_page"
    )
    is_published = models.BooleanField(default=False)
    introduction = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"You said, we did: {self.project}"


# ------------------------------------------------------------------------------------------ feedback


class FeedbackForm(models.Model):
    """Questions asked after an event or a live session, to the people who were there."""

    project = models.ForeignKey(
        "partnerships.Project", on_delete=models.CASCADE, related_name="feedback_forms"
    )
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="feedback_forms")
    live_session = models.ForeignKey(
        "live.LiveSession", null=True, blank=True, on_delete=models.CASCADE, related_name="feedback_forms"
    )
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    is_anonymous = models.BooleanField(
        default=False,
        help_text=_(
            "Answers are kept without the name of who gave them. They cannot be told what became of them."
        ),
    )
    is_open = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class FeedbackQuestion(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating from 1 to 5")
        CHOICE = "choice", _("One choice from a list")
        TEXT = "text", _("Free text")

    form = models.ForeignKey(FeedbackForm, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=6, choices=Kind.choices)
    text = models.CharField(max_length=300)
    choices = models.JSONField(default=list, blank=True)
    library_key = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["form", "position", "id"]

    def __str__(self) -> str:
        return self.text


class FeedbackInvitation(models.Model):
    """That a person was asked for feedback (after they were there), reminded, and answered.

    For an anonymous form this is the only record of who answered: it says *that* they did, so they
    are not asked again, but nothing links it to their answers.
    """

    form = models.ForeignKey(FeedbackForm, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_invitations"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-invited_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "person"], name="outcomes_one_invitation_per_form"),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.form_id}"


class FeedbackResponse(models.Model):
    """One person's answers. ``person`` is empty on an anonymous form."""

    form = models.ForeignKey(FeedbackForm, on_delete=models.CASCADE, related_name="responses")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["form", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "person"],
                condition=Q(person__isnull=False),
                name="outcomes_one_response_each",
            ),
        ]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.form_id}"


class FeedbackAnswer(models.Model):
    response = models.ForeignKey(FeedbackResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(FeedbackQuestion, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    choice = models.CharField(max_length=120, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["response", "question__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="outcomes_one_answer_per_question"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="outcomes_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"


class Decision(models.Model):
    """An entry in a steering group's decision log: what was proposed, who was involved (kept to count
    them by perspective, never shown by name), what was decided, and the actions it led to."""

    project = models.ForeignKey("partnerships.Project", on_delete=models.CASCADE, related_name="decisions")
    proposal = models.TextField()
    outcome = models.TextField()
    decided_on = models.DateField()
    involved = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    actions = models.ManyToManyField(Action, blank=True, related_name="decisions")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "-decided_on", "-id"]

    def __str__(self) -> str:
        return self.proposal[:60]


class Gripp2Summary(models.Model):
    """The GRIPP2 short form for a project and period, as the coordinator edited it from the draft."""

    project = models.ForeignKey("partnerships.Project", on_delete=models.CASCADE, related_name="+")
    start = models.DateField()
    end = models.DateField()
    aim = models.TextField(blank=True)
    methods = models.TextField(blank=True)
    results = models.TextField(blank=True)
    discussion = models.TextField(blank=True)
    reflections = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "start", "end"], name="outcomes_one_gripp2_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"GRIPP2 for {self.project} {self.start}–{self.end}"
