"""Themes, the quotes that support them, de-identification, exports, and withdrawal flags."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext

from .coding import Code
from .sources import Audience, ConsentUse, Source, Speaker


class Theme(models.Model):
    """A group of codes with a description and supporting quotes, for one chosen audience."""

    project = models.ForeignKey("partnerships.Project", on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    audience = models.CharField(
        max_length=10,
        choices=Audience.choices,
        default=Audience.TEAM,
        help_text="Who this theme and its quotes are for.",
    )
    codes = models.ManyToManyField(Code, blank=True, related_name="themes")
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "position", "id"]

    def __str__(self) -> str:
        return self.name


class Quote(models.Model):
    """Words from a source that support a theme.

    ``deidentified_text`` is the wording that may leave the project, once a reviewer has signed it off.
    Changing the wording clears the sign-off.
    """

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="quotes")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="quotes")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    position = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    deidentified_text = models.TextField(blank=True)
    deidentified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deidentified_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["theme", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(start__lt=models.F("end")), name="quote_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Quote {self.pk} in {self.theme}"

    @property
    def original_text(self) -> str:
        return self.source.text[self.start : self.end]

    @cached_property
    def withdrawn_voice(self):
        """The source (withdrawn as a whole), or a speaker whose words these are who withdrew; else None."""
        if not self.source.in_analysis:
            return self.source
        return next((v for v in self.source.voices_in(self.start, self.end) if not v.in_analysis), None)

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None

    @property
    def may_leave_project(self) -> bool:
        """Signed off, still consented for the theme's audience by every voice in it, and not withdrawn."""
        return self.is_signed_off and self.source.allows_quoting(self.start, self.end, self.theme.audience)

    def attribution(self) -> str:
        """How the speaker is credited, as they chose: by name, pseudonym, or not at all. Words of
        several people are credited to none of them."""
        voices = self.source.voices_in(self.start, self.end)
        if len(voices) != 1:
            return gettext("Several participants")
        voice = voices[0]
        if isinstance(voice, Speaker):
            if voice.consent_use == ConsentUse.NAMED and voice.person_id:
                return voice.person.badge_name
            if voice.consent_use == ConsentUse.NAMED:
                return voice.label
            if voice.consent_use == ConsentUse.PSEUDONYM:
                return voice.pseudonymised
            return gettext("A participant")
        source = voice
        if source.consent_use == ConsentUse.NAMED:
            if source.narrator_person_id:
                return source.narrator_person.badge_name
            return source.narrator_name or gettext("A participant")
        if source.consent_use == ConsentUse.PSEUDONYM:
            return source.narrator_pseudonym or gettext("A participant")
        return gettext("A participant")


class IdentifierEntry(models.Model):
    """A name or identifying detail and what replaces it in quotes. Coordinators only."""

    project = models.ForeignKey("partnerships.Project", on_delete=models.CASCADE, related_name="+")
    term = models.CharField(
        max_length=200, help_text="The name or detail exactly as it appears in the words."
    )
    replacement = models.CharField(
        max_length=200, help_text='A pseudonym, or a placeholder such as "[the ward]".'
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "term"]
        constraints = [models.UniqueConstraint(fields=["project", "term"], name="identifier_term_unique")]

    def __str__(self) -> str:
        return f"{self.term} → {self.replacement}"


class ReplacementLog(models.Model):
    """Which register entry replaced what, how many times, in which quote, by whom."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="replacements")
    entry = models.ForeignKey(IdentifierEntry, null=True, on_delete=models.SET_NULL, related_name="+")
    replacement = models.CharField(max_length=200)
    count = models.PositiveIntegerField()
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-applied_at", "id"]

    def __str__(self) -> str:
        return f"{self.replacement} x{self.count}"


class ExportRecord(models.Model):
    """That someone exported words from the project, and whose: so a later withdrawal can flag it."""

    class Kind(models.TextChoices):
        QDPX = "qdpx", "REFI-QDA project (.qdpx)"
        CODINGS_CSV = "codings_csv", "Codings (CSV)"
        CODINGS_XLSX = "codings_xlsx", "Codings (Excel)"
        QUOTES_CSV = "quotes_csv", "Quotes (CSV)"
        QUOTES_XLSX = "quotes_xlsx", "Quotes (Excel)"

    project = models.ForeignKey("partnerships.Project", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    audience = models.CharField(max_length=10, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sources = models.ManyToManyField(Source, blank=True, related_name="exports")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"


class Flag(models.Model):
    """A theme, quote or export that used words which were since withdrawn (or whose consent changed).

    ``subject`` describes what is flagged without quoting any words, so the flag outlives erasure.
    """

    class Reason(models.TextChoices):
        WITHDRAWN = "withdrawn", "The narrator withdrew their words"
        CONSENT_CHANGED = "consent_changed", "Consent no longer covers this use"
        CONSENT_EXPIRED = "consent_expired", "Consent has run out"

    project = models.ForeignKey("partnerships.Project", on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Source, null=True, on_delete=models.SET_NULL, related_name="flags")
    speaker = models.ForeignKey(
        Speaker,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="flags",
        help_text="The speaker whose words these were, when one speaker withdrew their turns.",
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="flags")
    quote = models.ForeignKey(Quote, null=True, blank=True, on_delete=models.SET_NULL, related_name="flags")
    export = models.ForeignKey(
        ExportRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="flags"
    )
    subject = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["resolved_at", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject
