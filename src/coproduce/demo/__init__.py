"""Demo data: a fictional partnership that shows every feature. All text is our own.

Each app adds a step module here; ``ensure_demo_data`` runs them in order, once.
Steps change state through the apps' actions, as views do.
"""

from __future__ import annotations

from django.db import transaction

from .cast import DEMO_PEOPLE, ensure_cast

STEPS: list[str] = [
    "coproduce.demo.cast",
    "coproduce.demo.partnerships",
    "coproduce.demo.people",
    "coproduce.demo.events",
    "coproduce.demo.sensemaking",
    "coproduce.demo.live",
    "coproduce.demo.recognition",
    "coproduce.demo.outcomes",
]


def ensure_demo_data() -> bool:
    """Create the demo data unless it is already there. Returns True if it was created now."""
    from importlib import import_module

    from coproduce.people.models import Person

    if Person.objects.filter(email=DEMO_PEOPLE[0].email).exists():
        return False
    with transaction.atomic():
        ensure_cast()
        for step in STEPS[1:]:
            import_module(step).run()
    return True


def sign_in_instructions(base_url: str) -> str:
    lines = [
        "",
        f"Coproduce is running at {base_url}  (press Ctrl+C to stop)",
        "",
        "Sign in as a demo person: open the sign-in page and pick them from the demo list,",
        "or type their e-mail address; the sign-in e-mail (with its link and code) is printed here.",
        "",
    ]
    width = max(len(p.email) for p in DEMO_PEOPLE)
    for person in DEMO_PEOPLE:
        lines.append(f"  {person.email.ljust(width)}  {person.badge_name:<8} {person.describe}")
    lines.append("")
    return "\n".join(lines)
