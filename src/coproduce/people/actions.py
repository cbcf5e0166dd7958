"""Every change to a person goes through here."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from coproduce.core.audit import record

from .models import Person


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
