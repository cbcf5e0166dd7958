"""Sources: the words people gave, whose words they are, and what they agreed to."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext


class Audience(models.TextChoices):
    """Who may read a person's words (the team) or see quotes from them (all three)."""

    TEAM = "team", "The project team"
    PARTNERS = "partners", "Partner organisations"
    PUBLIC = "public", "Public reports"


class ConsentUse(models.TextChoices):
    ANALYSIS_ONLY = "analysis_only", "Analysis only: no quotes"
    ANONYMOUS = "anonymous", "Quotes used anonymously"
    PSEUDONYM = "pseudonym", "Quotes with a pseudonym"
    NAMED = "named", "Quotes with their name"


class Voice(models.Model):
    """Whose words, and what they agreed to: consent and withdrawal, kept per voice.

    A voice is a :class:`Speaker` in a source, or the :class:`Source` itself for the words no speaker
    label claims (a narrator's document, anonymous responses, lines before the first label). Each voice
    consents and withdraws for its own words only.
    """

    consent_use = models.CharField(
        max_length=15, choices=ConsentUse.choices, default=ConsentUse.ANALYSIS_ONLY
    )
    consent_audiences = models.JSONField(default=list, blank=True, help_text="Codes from Audience.")
    consent_until = models.DateField(null=True, blank=True)
    consent_recorded_at = models.DateTimeField(default=timezone.now)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    erase_after = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def in_analysis(self) -> bool:
        """Withdrawn words leave the analysis at once, before they are erased."""
        return self.withdrawn_at is None and self.erased_at is None

    @property
    def team_may_read(self) -> bool:
        """Did this voice agree to the project team reading (and analysing) their words?"""
        return self.in_analysis and Audience.TEAM in (self.consent_audiences or [])

    def consent_current(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.consent_until is None or self.consent_until >= today

    def allows_quotes_for(self, audience: str, today=None) -> bool:
        """May words of this voice be quoted to ``audience``? The one rule every quote obeys."""
        return (
            self.in_analysis
            and self.consent_use != ConsentUse.ANALYSIS_ONLY
            and audience in (self.consent_audiences or [])
            and self.consent_current(today)
        )

    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [labels[a] for a in Audience.values if a in (self.consent_audiences or [])]

    def copy_consent_from(self, other: Voice) -> None:
        """Start with the consent another voice has (on an upload, everyone starts with what was recorded)."""
        self.consent_use = other.consent_use
        self.consent_audiences = list(other.consent_audiences or [])
        self.consent_until = other.consent_until
        self.consent_recorded_at = other.consent_recorded_at
        self.consent_recorded_by_id = other.consent_recorded_by_id


class Source(Voice):
    """One transcript, document or set of free-text responses, held as plain text.

    Character positions everywhere (segments, codings, quotes) are Unicode code points into ``text``.
    The narrator (``narrator_person`` if they have a Coproduce account, else ``narrator_name``) is who
    the project holds these words from; a set of anonymous responses has neither. A transcript's turns
    belong to its speakers, each with their own consent and withdrawal (:class:`Speaker`); the consent
    and withdrawal recorded on the source itself cover the words no speaker label claims, and a
    withdrawal of the source takes every word of it.
    """

    class Kind(models.TextChoices):
        DOCUMENT = "document", "Document"
        TRANSCRIPT = "transcript", "Transcript"
        RESPONSES = "responses", "Free-text responses"

    project = models.ForeignKey("partnerships.Project", on_delete=models.CASCADE, related_name="sources")
    guid = models.UUIDField(default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DOCUMENT)
    file_format = models.CharField(max_length=10, blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    text = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    narrator_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="narrated_sources",
    )
    narrator_name = models.CharField(
        max_length=120, blank=True, help_text="Someone without a Coproduce account."
    )
    narrator_pseudonym = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["project", "added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "guid"], name="source_guid_unique_in_project")
        ]
        indexes = [models.Index(fields=["erase_after"])]

    def __str__(self) -> str:
        return self.title

    def speaker_list(self) -> list[Speaker]:
        """The source's speakers (with their people), read once per source object: one page asks a
        dozen questions of them, and a source object lives only as long as the request or action that
        fetched it. Prefetched speakers are used as they are."""
        if "speakers" in getattr(self, "_prefetched_objects_cache", {}):
            return list(self.speakers.all())
        if "_speaker_list" not in self.__dict__:
            self.__dict__["_speaker_list"] = list(self.speakers.select_related("person"))
        return self.__dict__["_speaker_list"]

    def voices_in(self, start: int, end: int) -> list[Voice]:
        """The voices whose words ``text[start:end]`` holds, each once, in order: the speakers of the
        turns it touches, and the source itself for words no speaker claims."""
        speakers = {s.pk: s for s in self.speaker_list()}
        voices: list[Voice] = []
        for speaker_id in (
            self.segments.filter(start__lt=end, end__gt=start)
            .order_by("index")
            .values_list("speaker_id", flat=True)
        ):
            voice = speakers.get(speaker_id) or self
            if voice not in voices:
                voices.append(voice)
        return voices or [self]

    def allows_quoting(self, start: int, end: int, audience: str, today=None) -> bool:
        """May ``text[start:end]`` be quoted to ``audience``? Only if the source is in the analysis and
        every voice whose words it holds agreed."""
        return self.in_analysis and all(
            v.allows_quotes_for(audience, today) for v in self.voices_in(start, end)
        )

    @property
    def narrator_label_for_team(self) -> str:
        """How the narrator is shown to the team: their pseudonym, never their name."""
        if self.narrator_pseudonym:
            return self.narrator_pseudonym
        if self.narrator_person_id or self.narrator_name:
            return "A participant"
        return "Several people (anonymous)"


class Speaker(Voice):
    """A speaker in a transcript: whose turns these are, and their own consent and withdrawal.

    ``label`` is the name as written in the transcript ("Tom: ..."); it is a real name as often as not,
    so only those who may see real names see it (see ``redaction.py``). ``person`` links the speaker to
    their Coproduce account, so they find their turns under "My words" and decide about them themselves.
    ``position`` numbers the speakers of a source from 1, for "Speaker 2" when there is no pseudonym.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="speakers")
    label = models.CharField(max_length=80)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pseudonym = models.CharField(max_length=60, blank=True)
    position = models.PositiveIntegerField(default=0)
    consent_follows_source = models.BooleanField(
        default=True,
        help_text="Consent recorded for the whole source applies to this speaker, until their own is "
        "recorded (by them, or on their behalf for them alone).",
    )

    class Meta:
        ordering = ["source", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["source", "label"], name="one_speaker_per_label")]
        indexes = [models.Index(fields=["erase_after"], name="speaker_erase_after_idx")]

    def __str__(self) -> str:
        return self.label

    @property
    def placeholder(self) -> str:
        """What stands for this speaker where no pseudonym was chosen: never their label."""
        if self.position:
            return gettext("Speaker %(number)s") % {"number": self.position}
        return gettext("A speaker")

    @property
    def pseudonymised(self) -> str:
        """How the speaker is named to everyone who may not see real names: the pseudonym, else a number."""
        return self.pseudonym or self.placeholder

    @property
    def shown_as(self) -> str:
        """The name to use in quotes attributed by pseudonym."""
        return self.pseudonymised


class Segment(models.Model):
    """A paragraph, sentence, speaker turn or response: the unit people code without selecting text.

    ``speech_start`` is where the words begin after a "Name: " label, so coding a whole turn codes
    what was said, not who said it.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="segments")
    index = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    speech_start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    speaker = models.ForeignKey(
        Speaker, null=True, blank=True, on_delete=models.SET_NULL, related_name="segments"
    )
    started_ms = models.PositiveIntegerField(null=True, blank=True)
    ended_ms = models.PositiveIntegerField(null=True, blank=True)
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["source", "index"]
        constraints = [
            models.UniqueConstraint(fields=["source", "index"], name="segment_index_unique"),
            models.CheckConstraint(
                condition=models.Q(start__lte=models.F("speech_start"))
                & models.Q(speech_start__lte=models.F("end")),
                name="segment_span_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} #{self.index + 1}"

    @property
    def speech(self) -> str:
        return self.source.text[self.speech_start : self.end]

    @staticmethod
    def format_ms(ms: int | None) -> str:
        if ms is None:
            return ""
        seconds = ms // 1000
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"

    @property
    def started(self) -> str:
        return self.format_ms(self.started_ms)


class SourceEvent(models.Model):
    """The history a narrator sees of everything done to their words and their consent.

    ``summary`` describes the change without quoting the words themselves, so it can outlive erasure.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=40)
    summary = models.CharField(max_length=300)

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return self.summary


class SourceNote(models.Model):
    """A note a narrator adds to their own words (context, what they meant, how they feel now)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note {self.pk} on {self.source}"


class CorrectionRequest(models.Model):
    """A narrator asks for their words to be corrected. The team answers; nothing changes silently."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for an answer"
        APPLIED = "applied", "Corrected"
        DECLINED = "declined", "Not changed"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="corrections")
    speaker = models.ForeignKey(
        "Speaker",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="corrections",
        help_text="Whose turns the correction is about; empty for the words no speaker claims.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    passage = models.TextField(help_text="The words as they are now.")
    requested_change = models.TextField(help_text="What they should say instead, or what is wrong.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Correction {self.pk} on {self.source}"


class SourceEdit(models.Model):
    """One change to a source's text: what was there before and what replaced it (kept as history)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="edits")
    correction = models.ForeignKey(
        CorrectionRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="edits"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    old_text = models.TextField()
    new_text = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-edited_at", "-id"]

    def __str__(self) -> str:
        return f"Edit {self.pk} of {self.source}"


class PendingImport(models.Model):
    """A spreadsheet of responses read but not yet imported: waiting for someone to choose the text column.

    Deleted when imported, cancelled, or a day later (``erase_withdrawn_sources`` cleans up).
    """

    project = models.ForeignKey("partnerships.Project", on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10)
    columns = models.JSONField(default=list)
    rows = models.JSONField(default=list)
    details = models.JSONField(default=dict, help_text="Title, narrator and consent from the upload form.")

    def __str__(self) -> str:
        return self.filename
