"""Reads about people: who has an address, what a sign-in link would do, perspective counts.

Perspectives are private: only the person and the coordinators of projects they belong to see them
(that second rule is the partnerships app's, in ``partnerships.access``), and only counts leave a
project (:func:`perspective_counts`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, QuerySet
from django.utils import timezone

from . import signin
from .models import Person, Perspective, SignInToken
from .signin import SignInResult

#: Counts from 1 up to this number, minus one, can point at a person in a small group. Callers
#: publishing counts beyond a project (reports, exports) pass ``suppress_below=SMALL_CELL``.
SMALL_CELL = 3


def active_person_by_email(email: str) -> Person | None:
    """The active person with this address (any case), or None. Only for sending them an e-mail."""
    return Person.objects.filter(email__iexact=signin.normalise_email(email), is_active=True).first()


def active_people_by_email(emails: Iterable[str]) -> dict[str, Person]:
    """Active people with exactly these addresses, by address (the demo's one-click sign-in)."""
    return {p.email: p for p in Person.objects.filter(email__in=list(emails), is_active=True)}


def find_sign_in_link(token: str) -> SignInResult:
    """What a link would do, without using it (the page before the "Sign in" button)."""
    row = SignInToken.objects.select_related("person").filter(token_hash=signin.hash_token(token)).first()
    if row is None or not row.person.is_active:
        return SignInResult(problem="unknown")
    if row.used_at is not None:
        return SignInResult(problem="used", token=row)
    if row.expires_at <= timezone.now():
        return SignInResult(problem="expired", token=row)
    return SignInResult(person=row.person, next_url=row.next_url, token=row)


def declared_perspectives(person: Person) -> list[str]:
    """The perspective codes ``person`` declared. Call only for someone allowed to see them."""
    return list(person.perspectives.values_list("perspective", flat=True))


def perspective_counts(people: QuerySet[Person], *, suppress_below: int = 0) -> dict[str, int | None]:
    """How many of ``people`` declared each perspective: counts only, never who.

    Keys: every ``Perspective.Kind`` code (zero included), ``"not_declared"`` (people with none) and
    ``"people"`` (everyone counted). Someone with two perspectives counts in both, so the
    perspective counts can add up to more than ``"people"``.

    With ``suppress_below=n``, any count from 1 to n-1 becomes None ("a few"), so a small group
    cannot be used to work out who someone is; zero and the total are always exact. Within a
    project its coordinators may see exact counts; outputs leaving a project should suppress.
    """
    people = people.filter(is_active=True)
    per_kind = dict(
        Perspective.objects.filter(person__in=people.values("pk"))
        .values("perspective")
        .annotate(n=Count("person", distinct=True))
        .values_list("perspective", "n")
    )
    total = people.values("pk").distinct().count()
    declared = Perspective.objects.filter(person__in=people.values("pk")).values("person").distinct().count()
    counts: dict[str, int | None] = {kind: per_kind.get(kind, 0) for kind in Perspective.Kind.values}
    counts["not_declared"] = total - declared
    if suppress_below:
        for key, value in counts.items():
            if value and value < suppress_below:
                counts[key] = None
    counts["people"] = total
    return counts
