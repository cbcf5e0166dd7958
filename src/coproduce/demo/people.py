"""Demo step: the cast's private perspectives, and some communication and access needs to plan for.

Grace's needs were last checked more than a year ago, so her profile shows the prompt to review them.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from coproduce.people.actions import do_set_perspectives, do_update_profile
from coproduce.people.models import AccessNeed, Person

from .cast import DEMO_PEOPLE

# email -> (access needs, details, pronouns, contact preference, phone, days since needs were checked)
PROFILES = {
    "grace@example.org": (
        [AccessNeed.STEP_FREE, AccessNeed.QUIET_SPACE],
        (
            "I use a wheelchair. "
            "A quiet room I can step out to for ten minutes helps me stay for the whole session."
        ),
        "she/her",
        Person.ContactPreference.PHONE,
        "07700 900418",
        400,
    ),
    "tom@example.org": (
        [AccessNeed.HEARING_LOOP, AccessNeed.LARGE_PRINT],
        "I wear hearing aids. Papers in 16 point or larger, please.",
        "he/him",
        Person.ContactPreference.EMAIL,
        "",
        30,
    ),
    "aisha@example.org": (
        [AccessNeed.BSL_INTERPRETER],
        "I am Deaf and BSL is my first language. Captions for anything online, please.",
        "she/her",
        Person.ContactPreference.EMAIL,
        "",
        60,
    ),
    "sol@example.org": (
        [AccessNeed.EASY_READ, AccessNeed.SUPPORT_WORKER],
        "My support worker sometimes comes with me. Easy Read papers a week before help me get ready.",
        "they/them",
        Person.ContactPreference.EMAIL,
        "",
        90,
    ),
    "nadia@example.org": (
        [AccessNeed.DIETARY],
        "Halal food, please.",
        "",
        Person.ContactPreference.EMAIL,
        "",
        10,
    ),
    "lee@example.org": (
        [AccessNeed.LANGUAGE_INTERPRETER],
        "Polish interpreter, please: I follow spoken English but speak more easily in Polish.",
        "",
        Person.ContactPreference.EMAIL,
        "",
        20,
    ),
    "dee@example.org": (
        [AccessNeed.QUIET_SPACE],
        "",
        "she/they",
        Person.ContactPreference.EMAIL,
        "",
        120,
    ),
}


def run() -> None:
    today = timezone.localdate()
    for demo in DEMO_PEOPLE:
        person = Person.objects.get(email=demo.email)
        if demo.perspectives:
            do_set_perspectives(person, list(demo.perspectives), acting_user=person)
        if demo.email in PROFILES:
            needs, details, pronouns, preference, phone, days_ago = PROFILES[demo.email]
            do_update_profile(
                person,
                acting_user=person,
                reviewed_on=today - timedelta(days=days_ago),
                access_needs=[str(n) for n in needs],
                access_needs_details=details,
                pronouns=pronouns,
                contact_preference=str(preference),
                phone=phone,
            )
