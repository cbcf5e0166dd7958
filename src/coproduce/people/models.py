"""People: accounts that other participants know only by a badge name."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone


class AccessNeed(models.TextChoices):
    """Communication and access needs a person can state once and have planned for at every session."""

    LARGE_PRINT = "large_print", "Large print"
    EASY_READ = "easy_read", "Easy Read"
    BSL_INTERPRETER = "bsl", "British Sign Language (BSL) interpreter"
    LANGUAGE_INTERPRETER = "language_interpreter", "Interpreter for another language"
    STEP_FREE = "step_free", "Step-free access"
    HEARING_LOOP = "hearing_loop", "Hearing loop"
    QUIET_SPACE = "quiet_space", "Quiet space"
    SUPPORT_WORKER = "support_worker", "A support worker or personal assistant comes with me"
    DIETARY = "dietary", "Dietary needs"


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, badge_name: str = "", **extra):
        if not email:
            raise ValueError("A person needs an e-mail address.")
        person = self.model(email=self.normalize_email(email).lower(), badge_name=badge_name or "", **extra)
        person.set_unusable_password()  # sign-in is by e-mailed one-time link only
        person.save(using=self._db)
        return person

    def create_superuser(self, email: str, badge_name: str = "", password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, badge_name, **extra)


class Person(AbstractBaseUser, PermissionsMixin):
    """Someone who takes part. Others see only ``badge_name``.

    There is no job title or organisation field on a person on purpose: co-production ranks nobody.
    """

    class ContactPreference(models.TextChoices):
        EMAIL = "email", "E-mail"
        PHONE = "phone", "Phone"
        POST = "post", "Post"

    email = models.EmailField(unique=True)
    badge_name = models.CharField(max_length=60, help_text="The only name other participants see.")
    pronouns = models.CharField(max_length=40, blank=True)
    contact_preference = models.CharField(
        max_length=10, choices=ContactPreference.choices, default=ContactPreference.EMAIL
    )
    phone = models.CharField(max_length=40, blank=True)
    postal_address = models.TextField(blank=True)
    access_needs = models.JSONField(default=list, blank=True, help_text="Codes from AccessNeed.")
    access_needs_details = models.TextField(
        blank=True, help_text="Anything else, e.g. which language, which diet, what helps you take part."
    )
    access_needs_reviewed_on = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["badge_name"]

    class Meta:
        verbose_name = "person"
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.badge_name or "Unnamed participant"

    @property
    def wants_email(self) -> bool:
        """Whether to e-mail this person news they would otherwise see on their pages: only those who
        chose e-mail, and never a closed (erased) account."""
        return self.is_active and self.contact_preference == self.ContactPreference.EMAIL

    def access_needs_review_due(self, today: date | None = None) -> bool:
        """True when access needs were never reviewed, or last reviewed 12 months ago or more."""
        if self.access_needs_reviewed_on is None:
            return True
        today = today or timezone.localdate()
        try:
            a_year_ago = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            a_year_ago = today.replace(year=today.year - 1, day=28)
        return self.access_needs_reviewed_on <= a_year_ago


class Perspective(models.Model):
    """A perspective a person chooses to declare: private, optional, used only as counts.

    Only the person and the coordinators of projects they belong to may see it (see ``people.access``);
    it is never shown next to a person's name on a participant-facing page.
    """

    class Kind(models.TextChoices):
        LIVED_EXPERIENCE = "lived_experience", "Lived experience of using services"
        CARER = "carer", "Carer"
        PROFESSIONAL = "professional", "Professional (paid to work in health or social care)"
        STUDENT = "student", "Student"
        ORGANISATION = "organisation", "Representing an organisation"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="perspectives")
    perspective = models.CharField(max_length=20, choices=Kind.choices)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person", "perspective"]
        constraints = [
            models.UniqueConstraint(fields=["person", "perspective"], name="one_declaration_per_perspective"),
        ]

    def __str__(self) -> str:
        return self.get_perspective_display()


class SignInToken(models.Model):
    """One e-mailed sign-in: a link and a short code, single use, short-lived.

    Only hashes are stored. The link's token is 256 random bits, so a plain SHA-256 is enough; the
    six-digit code is guessable by brute force, so it is keyed with the server's secret and bound to
    its token, and each token accepts only a few wrong tries.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="sign_in_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64)
    next_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    wrong_code_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "expires_at"])]

    def __str__(self) -> str:
        return f"sign-in for person {self.person_id}"
