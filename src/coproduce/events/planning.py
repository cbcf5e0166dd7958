"""The access plan for an event: what organisers need to arrange, as counts, never as names.

Counted over people who have a place (not the waitlist). At a hybrid event, needs that are about the
room (step-free access, hearing loop, quiet space, food, a seat for a support worker) count only people
coming in person; at an online event they are not counted. Papers and interpreters need arranging ahead,
so their lines say by when: 7 days before the event.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from coproduce.people.models import AccessNeed

from .availability import format_day, local
from .models import Event, Registration

LEAD_TIME = timedelta(days=7)

IN_THE_ROOM = frozenset(
    {
        AccessNeed.STEP_FREE,
        AccessNeed.HEARING_LOOP,
        AccessNeed.QUIET_SPACE,
        AccessNeed.DIETARY,
        AccessNeed.SUPPORT_WORKER,
    }
)
ARRANGE_AHEAD = {  # need: verb for the deadline
    AccessNeed.LARGE_PRINT: "send",
    AccessNeed.EASY_READ: "send",
    AccessNeed.BSL_INTERPRETER: "book",
    AccessNeed.LANGUAGE_INTERPRETER: "book",
}
# need: (one person, several people); {n} is the count
PHRASES = {
    AccessNeed.STEP_FREE: ("1 needs step-free access", "{n} need step-free access"),
    AccessNeed.BSL_INTERPRETER: ("1 needs a BSL interpreter", "{n} need a BSL interpreter"),
    AccessNeed.LANGUAGE_INTERPRETER: (
        "1 needs an interpreter for another language (see their details)",
        "{n} need interpreters for other languages (see their details)",
    ),
    AccessNeed.EASY_READ: ("1 needs Easy Read papers", "{n} need Easy Read papers"),
    AccessNeed.LARGE_PRINT: ("1 needs large print papers", "{n} need large print papers"),
    AccessNeed.HEARING_LOOP: ("1 needs a hearing loop", "{n} need a hearing loop"),
    AccessNeed.QUIET_SPACE: ("1 would like a quiet space", "{n} would like a quiet space"),
    AccessNeed.SUPPORT_WORKER: (
        "1 is coming with a support worker or personal assistant (plan a seat for them)",
        "{n} are coming with a support worker or personal assistant (plan a seat for each)",
    ),
    AccessNeed.DIETARY: (
        "1 has dietary needs (see their details)",
        "{n} have dietary needs (see their details)",
    ),
}
ORDER = list(PHRASES)


@dataclass(frozen=True)
class PlanLine:
    need: str
    count: int
    text: str


@dataclass(frozen=True)
class AccessPlan:
    lines: list[PlanLine]
    people_with_place: int
    people_with_details: int
    arrange_by: date
    arrange_by_passed: bool

    @property
    def summary(self) -> str:
        """One sentence, e.g. "3 need step-free access, 1 needs a BSL interpreter — book by ..."."""
        if not self.lines:
            return "Nobody with a place has told us of an access need yet."
        return "; ".join(line.text for line in self.lines) + "."


def _deadline_text(verb: str, arrange_by: date, passed: bool) -> str:
    if passed:
        return f"{verb} as soon as possible (less than 7 days to go)"
    return f"{verb} by {format_day(arrange_by)}"


def access_plan(event: Event) -> AccessPlan:
    registrations = list(
        Registration.objects.filter(event=event, status=Registration.Status.REGISTERED).only(
            "access_needs", "access_needs_details", "attendance"
        )
    )
    counts: Counter[str] = Counter()
    for registration in registrations:
        for need in set(registration.access_needs):
            if need in IN_THE_ROOM and registration.attendance != Registration.Attendance.IN_PERSON:
                continue
            counts[need] += 1
    arrange_by = (local(event, event.starts_at) - LEAD_TIME).date()
    passed = arrange_by < timezone.localdate(timezone=local(event, event.starts_at).tzinfo)
    lines = []
    for need in ORDER:
        n = counts.get(need, 0)
        if not n:
            continue
        one, many = PHRASES[need]
        text = one if n == 1 else many.format(n=n)
        if need in ARRANGE_AHEAD:
            text += " — " + _deadline_text(ARRANGE_AHEAD[need], arrange_by, passed)
        lines.append(PlanLine(need=need, count=n, text=text))
    return AccessPlan(
        lines=lines,
        people_with_place=len(registrations),
        people_with_details=sum(1 for r in registrations if r.access_needs_details.strip()),
        arrange_by=arrange_by,
        arrange_by_passed=passed,
    )
