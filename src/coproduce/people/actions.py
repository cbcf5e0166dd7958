"""Every change to a person goes through here: creating them, signing in, their profile, data rights.

Sign-in's pure parts (tokens, codes, hashes, lifetime) are in ``signin``; its e-mail is in ``emails``;
how often a browser or an address may ask is the views' to decide.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from coproduce.core.audit import record

from . import data_rights, emails, signin
from .access import active_person_by_email
from .models import AccessNeed, Person, Perspective, SignInToken
from .signin import IssuedSignIn, SignInResult


def do_find_or_create_person(*, email: str, badge_name: str, acting_user) -> tuple[Person, bool]:
    """The person with this e-mail address, created with ``badge_name`` if new.

    Used when someone signs up for a public event with just a name and an e-mail address, and when a
    coordinator invites someone. An existing person's badge name is never changed here.
    Returns ``(person, created)``.
    """
    email = Person.objects.normalize_email(email).strip().lower()
    existing = Person.objects.filter(email__iexact=email).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            person = Person.objects.create_user(email=email, badge_name=badge_name.strip())
            record("person.created", person, acting_user=acting_user)
    except IntegrityError:  # someone else created them a moment ago
        return Person.objects.get(email__iexact=email), False
    return person, True


# --- Sign-in ---------------------------------------------------------------------------------------


def do_issue_sign_in(person: Person, *, next_url: str, acting_user) -> IssuedSignIn:
    """Create a single-use link token and code for ``person``; store only their hashes."""
    now = timezone.now()
    token, code = signin.new_token(), signin.new_code()
    token_hash = signin.hash_token(token)
    with transaction.atomic():
        # Keep the table small: rows a day past expiry are no longer needed even to say "expired".
        SignInToken.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
        row = SignInToken.objects.create(
            person=person,
            token_hash=token_hash,
            code_hash=signin.hash_code(token_hash, code),
            next_url=signin.safe_next_url(next_url),
            created_at=now,
            expires_at=signin.expires_at(now),
        )
        record("person.sign_in_sent", person, acting_user=acting_user, sign_in=row.pk)
    return IssuedSignIn(token=token, code=code, expires_at=row.expires_at)


def do_send_sign_in_email(
    person: Person, *, next_url: str = "", subject: str = "", intro: str = "", acting_user
) -> IssuedSignIn:
    """Issue a fresh link and code for ``person`` (:func:`do_issue_sign_in`) and e-mail them.

    ``next_url`` (a path on this site) is where the link leads after signing in; ``subject`` and
    ``intro`` let a caller say why the e-mail was sent (e.g. an invitation). The e-mail goes out once
    the sign-in is committed, so call this where there is nothing left to roll back: from a view, or
    from ``transaction.on_commit`` inside another action. Rate limits are the calling view's concern.
    """
    issued = do_issue_sign_in(person, next_url=next_url, acting_user=acting_user)
    emails.send_sign_in(person, issued, subject=subject, intro=intro)
    return issued


def do_sign_in_with_link(token: str) -> SignInResult:
    """Use a link: succeeds once, within its lifetime. The caller logs the person in."""
    with transaction.atomic():
        row = (
            SignInToken.objects.select_for_update()
            .select_related("person")
            .filter(token_hash=signin.hash_token(token))
            .first()
        )
        if row is None or not row.person.is_active:
            return SignInResult(problem="unknown")
        if row.used_at is not None:
            return SignInResult(problem="used", token=row)
        now = timezone.now()
        if row.expires_at <= now:
            return SignInResult(problem="expired", token=row)
        row.used_at = now
        row.save(update_fields=["used_at"])
        _mark_signed_in(row.person, now, method="link")
    return SignInResult(person=row.person, next_url=row.next_url, token=row)


def do_sign_in_with_code(*, email: str, code: str) -> SignInResult:
    """Check a typed code against the live sign-ins of the person with this address.

    A wrong code counts against every live sign-in of that person, and each accepts only
    ``MAX_WRONG_CODES`` wrong tries, so guessing needs many fresh e-mails, which are rate limited.
    An unknown address behaves like a wrong code.
    """
    code = signin.normalise_code(code)
    with transaction.atomic():
        person = active_person_by_email(email)
        if person is None:
            return SignInResult(problem="wrong_code")
        now = timezone.now()
        live = list(
            SignInToken.objects.select_for_update()
            .filter(
                person=person,
                used_at__isnull=True,
                expires_at__gt=now,
                wrong_code_attempts__lt=signin.MAX_WRONG_CODES,
            )
            .order_by("-created_at")
        )
        for row in live:
            if constant_time_compare(row.code_hash, signin.hash_code(row.token_hash, code)):
                row.used_at = now
                row.save(update_fields=["used_at"])
                _mark_signed_in(person, now, method="code")
                return SignInResult(person=person, next_url=row.next_url, token=row)
        SignInToken.objects.filter(pk__in=[row.pk for row in live]).update(
            wrong_code_attempts=F("wrong_code_attempts") + 1
        )
    return SignInResult(problem="wrong_code")


def do_sign_in_demo_person(person: Person) -> None:
    """Record a one-click demo sign-in (only reachable when settings.DEMO_MODE is on)."""
    with transaction.atomic():
        _mark_signed_in(person, timezone.now(), method="demo")


def _mark_signed_in(person: Person, now: datetime, *, method: str) -> None:
    person.last_login = now
    person.save(update_fields=["last_login"])
    record("person.signed_in", person, acting_user=person, method=method)


# --- Profile ---------------------------------------------------------------------------------------


PROFILE_FIELDS = (
    "badge_name",
    "pronouns",
    "contact_preference",
    "phone",
    "postal_address",
    "access_needs",
    "access_needs_details",
)


def do_update_profile(
    person: Person, *, acting_user, reviewed_on: date | None = None, **changes
) -> list[str]:
    """Change profile fields (any of ``PROFILE_FIELDS``) and mark access needs as reviewed.

    Saving the profile is a review of one's access needs, so ``access_needs_reviewed_on`` becomes
    ``reviewed_on`` (default today). Returns the names of fields that changed; the audit row holds
    only those names, never the values (access needs are special category data).
    """
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    if "access_needs" in changes:
        valid = set(AccessNeed.values)
        changes["access_needs"] = [
            code for code in AccessNeed.values if code in set(changes["access_needs"]) & valid
        ]
    changed = [name for name, value in changes.items() if getattr(person, name) != value]
    for name in changed:
        setattr(person, name, changes[name])
    person.access_needs_reviewed_on = reviewed_on or timezone.localdate()
    with transaction.atomic():
        person.save(update_fields=[*changed, "access_needs_reviewed_on"])
        record("person.profile_updated", person, acting_user=acting_user, fields=changed)
    return changed


def do_set_perspectives(person: Person, perspectives: list[str], *, acting_user) -> None:
    """Make ``person``'s declared perspectives exactly ``perspectives`` (possibly none).

    A perspective kept from before keeps its original ``declared_at``.
    """
    wanted = {p for p in perspectives if p in Perspective.Kind.values}
    with transaction.atomic():
        current = set(person.perspectives.values_list("perspective", flat=True))
        if wanted == current:
            return
        person.perspectives.exclude(perspective__in=wanted).delete()
        Perspective.objects.bulk_create(
            [Perspective(person=person, perspective=p) for p in sorted(wanted - current)]
        )
        # Which perspectives were chosen is private: the audit row only says that they changed.
        record("person.perspectives_updated", person, acting_user=acting_user)


# --- Data rights -----------------------------------------------------------------------------------


def do_export_person_data(person: Person, *, acting_user) -> dict:
    """Everything held about ``person`` (see ``people.data_rights``); the export itself is audited."""
    data = data_rights.export_person_data(person)
    record("person.data_exported", person, acting_user=acting_user)
    return data


ERASED_BADGE_NAME = "Former participant"


def do_erase_person(person: Person, *, acting_user) -> dict[str, int]:
    """Erase ``person``'s personal data, keeping only what counts anonymously.

    Each registered app erases or anonymises its own data first; then the profile is cleared, the
    address replaced by an unusable placeholder, the account deactivated and every session ended
    (a new unusable password changes the session hash Django checks on each request).
    Rows that only count — memberships, attendance — stay, pointing at "Former participant".
    Returns counts; the audit row holds those counts and nothing personal.
    """
    counts: dict[str, int] = {}
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        for holder in data_rights.holders():
            if holder.erase is not None:
                for key, value in (holder.erase(person, acting_user=acting_user) or {}).items():
                    counts[f"{holder.label}.{key}"] = int(value)
        person.email = f"erased-{uuid.uuid4().hex}@erased.invalid"
        person.badge_name = ERASED_BADGE_NAME
        person.pronouns = ""
        person.contact_preference = Person.ContactPreference.EMAIL
        person.phone = ""
        person.postal_address = ""
        person.access_needs = []
        person.access_needs_details = ""
        person.access_needs_reviewed_on = None
        person.last_login = None
        person.is_active = False
        person.is_staff = False
        person.is_superuser = False
        person.set_unusable_password()
        person.save()
        person.groups.clear()
        person.user_permissions.clear()
        erased_by_self = getattr(acting_user, "pk", None) == person.pk
        record(
            "person.erased",
            person,
            acting_user=None if erased_by_self else acting_user,
            requested_by="self" if erased_by_self else "staff",
            **counts,
        )
    return counts
