"""Demo live sessions: a finished crisis-support workshop with everything in it, and one ready to start.

The finished one ran every activity: ground rules, statements and votes (two groups and clear common
ground), the live map, pass it on, and take-home messages. The ready one has a join code to try from a
phone: ASK2ME. Everything happens through the apps' actions; afterwards the finished session's times are
moved into the past, which no action does. All text is our own; every person is fictional.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from coproduce.deliberation import actions as deliberation
from coproduce.deliberation.map_refresh import refresh_opinion_map
from coproduce.events.models import Event
from coproduce.live import actions as live
from coproduce.live.models import LiveSession, Participant, Phase
from coproduce.partnerships.models import Project
from coproduce.people.models import Person

from .cast import CRISIS

READY_CODE = "ASK2ME"

# Demo people who join signed in, then people who join with just a badge name.
SIGNED_IN = [
    "grace@example.org",
    "sol@example.org",
    "tom@example.org",
    "nadia@example.org",
    "priya@example.org",
]
BADGE_ONLY = ["Jas", "Ola", "Ruth", "Mo", "Bex", "Ali", "Vin", "Cara", "Des"]

COMMON_GROUND = [
    "When I call for help in a crisis, the first person I speak to should be able to do something.",
    "I should only have to tell my story once.",
    "Carers should be told what is happening, as long as the person agrees.",
]
# What people who have used crisis services and carers tended to agree with, and staff less so...
FIRST_VIEW = [
    "A crisis café open in the evening would keep people out of A&E.",
    "Peer workers with lived experience should be part of every crisis team.",
    "Being sent home from A&E at night without a plan made things worse.",
]
# ...and what staff tended to agree with, and others less so.
SECOND_VIEW = [
    "Most crises could be prevented with better planning at the last appointment.",
    "A single phone number for every crisis service would make things simpler.",
    "Staff need training time protected, not squeezed into shifts.",
]
OPEN_QUESTIONS = [
    "Police should not be the first response to a mental health crisis.",
    "Text and online chat should be offered as well as phone calls.",
    "A written crisis plan is only useful if the person wrote it with someone they trust.",
]

PIECES = [
    (
        "Good crisis support feels like",
        [
            "someone sitting with you, not standing over you",
            "a cup of tea and no clipboard",
            "knowing they will still be there tomorrow",
        ],
    ),
    (
        "The first minute of a crisis call should",
        ["start with my name, not my number", "give me time to breathe", "end with a next step I agreed to"],
    ),
    (
        "A crisis plan that works is",
        [
            "written in my words",
            "kept where the night team can find it",
            "checked with me when things are calm",
        ],
    ),
    (
        "Carers in a crisis need",
        [
            "a number that answers",
            "to be believed when they say something is wrong",
            "someone to ask how they are doing too",
        ],
    ),
    (
        "After a crisis, I want",
        [
            "a call the next day",
            "to know what was written about me",
            "the chance to say what helped and what did not",
        ],
    ),
]

TAKE_HOME = [
    "Telling my story once would change everything.",
    "Staff and people who use services want the same things more often than we think.",
    "I am going to ask my team about an evening crisis café.",
    "Peer workers are not an extra: they are the bridge.",
    "Carers need to be told what is happening.",
    "Protect training time, and ask people with lived experience to help deliver it.",
    "The first person you speak to should be able to help.",
]


def _project() -> Project:
    return Project.objects.get(title=CRISIS)


def _person(email: str) -> Person:
    return Person.objects.get(email=email)


def _event(title: str, *, days_from_now: int, minutes: int, description: str) -> Event:
    """The events demo's workshop when it is there; otherwise a workshop event of our own."""
    project = _project()
    existing = Event.objects.filter(project=project, title=title).first()
    if existing is not None:
        return existing
    starts = (timezone.now() + timedelta(days=days_from_now)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    return Event.objects.create(
        project=project,
        title=title,
        kind=Event.Kind.WORKSHOP,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        description=description,
        capacity=20,
    )


def _finished_session() -> LiveSession:
    dee = _person("dee@example.org")
    event = _event(
        "Mapping the crisis pathway together",
        days_from_now=-12,
        minutes=120,
        description="People who have used crisis services, carers and staff map what happens in a crisis "
        "and find where they agree.",
    )
    session = live.do_create_live_session(
        event,
        title="What should change first in crisis support?",
        format_key="full_day",
        capacity=20,
        acting_user=dee,
    )
    live.do_add_co_facilitator(session, _person("tom@example.org"), acting_user=dee)
    people = [
        live.do_join_session(session, badge_name=_person(e).badge_name, person=_person(e)) for e in SIGNED_IN
    ]
    people += [live.do_join_session(session, badge_name=name) for name in BADGE_ONLY]

    session = live.do_start_session(session, acting_user=dee)
    session = live.do_advance_phase(session, acting_user=dee)  # statements and voting
    statements = [
        deliberation.do_add_seed_statement(session, text=t, acting_user=dee)
        for t in COMMON_GROUND[:1] + FIRST_VIEW[:1] + SECOND_VIEW[:1]
    ]
    writers = iter(people)
    for text in COMMON_GROUND[1:] + FIRST_VIEW[1:] + SECOND_VIEW[1:] + OPEN_QUESTIONS:
        statements.append(deliberation.do_submit_statement(session, next(writers), text=text))
    duplicate = deliberation.do_submit_statement(
        session, next(writers), text="You should only have to explain your story one time."
    )
    deliberation.do_merge_statements(duplicate, into=statements[3], acting_user=dee)

    rng = random.Random(4)
    for index, person in enumerate(people):
        first_view = index % 2 == 0  # two broad views, with common ground between them
        for statement in statements:
            text = statement.text
            if text in COMMON_GROUND:
                value = "agree" if rng.random() < 0.92 else "pass"
            elif text in FIRST_VIEW:
                value = ("agree" if first_view else "disagree") if rng.random() < 0.85 else "pass"
            elif text in SECOND_VIEW:
                value = ("disagree" if first_view else "agree") if rng.random() < 0.85 else "pass"
            else:
                value = rng.choice(["agree", "agree", "disagree", "pass"])
            if rng.random() < 0.9:  # not everyone votes on everything
                deliberation.do_cast_vote(session, person, statement_id=statement.pk, value=value)

    session = live.do_advance_phase(session, acting_user=dee)  # review common ground
    session = live.do_advance_phase(session, acting_user=dee)  # pass it on
    starters = people[: len(PIECES)]
    for person, (start, _lines) in zip(starters, PIECES, strict=True):
        deliberation.do_start_piece(session, person, text=start)
    lines = {start: iter(more) for start, more in PIECES}
    for _round in range(6):
        for person in people:
            piece = deliberation.do_take_next_piece(session, person)
            if piece is None:
                continue
            first = piece.contributions.order_by("position").first().text
            line = next(lines[first], None)
            if line is not None:
                deliberation.do_add_to_piece(session, person, piece_id=piece.pk, text=line)

    session = live.do_advance_phase(session, acting_user=dee)  # take-home messages
    for person, text in zip(people, TAKE_HOME, strict=False):
        deliberation.do_leave_take_home_message(session, person, text=text)
    session = live.do_finish_session(session, acting_user=dee)
    refresh_opinion_map(session.pk, force=True, with_stability=True)
    _move_into_the_past(session, event)
    return session


def _move_into_the_past(session: LiveSession, event: Event) -> None:
    """Give the finished session the times it would have had on the day of its event."""
    start = event.starts_at + timedelta(minutes=5)
    moment = start
    for phase in session.phases.order_by("position"):
        ran = timedelta(
            minutes=phase.duration_minutes + (2 if phase.activity == Phase.Activity.STATEMENTS else 0)
        )
        Phase.objects.filter(pk=phase.pk).update(started_at=moment, ended_at=moment + ran)
        moment += ran
    LiveSession.objects.filter(pk=session.pk).update(
        created_at=start - timedelta(days=7), started_at=start, finished_at=moment
    )
    Participant.objects.filter(session=session).update(joined_at=start - timedelta(minutes=3))


def _ready_session() -> LiveSession:
    dee = _person("dee@example.org")
    event = _event(
        "Crisis care: what would have helped?",
        days_from_now=9,
        minutes=60,
        description="A co-production workshop for anyone who has been through a mental health crisis, cared "
        "for someone who has, or works in crisis services.",
    )
    session = live.do_create_live_session(
        event,
        title="Crisis care: what would have helped?",
        format_key="workshop_hour",
        capacity=20,
        acting_user=dee,
        join_code=READY_CODE,
    )
    for text in (
        "The first person I spoke to understood what I needed.",
        "I knew who to call before things got bad.",
        "Someone checked on me the day after.",
    ):
        deliberation.do_add_seed_statement(session, text=text, acting_user=dee)
    return session


def run() -> None:
    _finished_session()
    _ready_session()
