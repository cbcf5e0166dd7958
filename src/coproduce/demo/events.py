"""Demo events for both projects: drop-ins, workshops, listening, training, a festival, past and future.

Everything goes through the events actions, as the web pages do. Dates are relative to today, so the
upcoming events stay upcoming whenever the demo is started. E-mails are not sent for demo sign-ups.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from coproduce.events.actions import (
    do_add_agenda_item,
    do_check_in,
    do_create_event,
    do_register_for_event,
    do_update_event,
)
from coproduce.events.models import Event
from coproduce.people.actions import do_find_or_create_person

from .cast import CRISIS, PLACEMENTS, person, project

LONDON = ZoneInfo("Europe/London")
SATURDAY, TUESDAY, WEDNESDAY, THURSDAY = 6, 2, 3, 4

# People who signed up from the public events page with just a name and an e-mail address.
VISITORS = [
    ("rowan@example.org", "Rowan"),
    ("femi@example.org", "Femi"),
    ("jess@example.org", "Jess"),
    ("ollie@example.org", "Ollie"),
    ("maya@example.org", "Maya"),
]

WORKSHOP_AGENDA = [
    ("Arrivals and a cup of tea", 5, "Time to settle in, find a seat and say hello."),
    ("Preparing the ground", 10, "Who is here, why it matters, and the ground rules we agreed."),
    ("Exploring together", 30, "Small mixed groups talk about what helped and what got in the way."),
    (
        "Tracking themes and take-home messages",
        20,
        "We gather the themes on the wall and check we heard them right.",
    ),
    ("Closing round and what happens next", 10, "One word each, and when you will hear back."),
]


def _day(days_ahead: int, weekday: int | None = None) -> date:
    """A UK date ``days_ahead`` from today, moved forward to the next ``weekday`` (ISO) if given."""
    day = timezone.localdate(timezone=LONDON) + timedelta(days=days_ahead)
    while weekday is not None and day.isoweekday() != weekday:
        day += timedelta(days=1)
    return day


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def _event(
    project_title: str, organiser: str, *, day: date, start: tuple[int, int], minutes: int, **fields
) -> Event:
    starts = _at(day, *start)
    return do_create_event(
        project(project_title),
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        acting_user=person(organiser),
        **fields,
    )


def _agenda(event: Event, organiser: str, items) -> None:
    for title, minutes, purpose in items:
        do_add_agenda_item(
            event, title=title, duration_minutes=minutes, purpose=purpose, acting_user=person(organiser)
        )


def _sign_up(event: Event, who, needs=(), details: str = "", attendance: str | None = None):
    registration, _ = do_register_for_event(
        event,
        who,
        access_needs=list(needs),
        details=details,
        attendance=attendance,
        acting_user=who,
        notify=False,
    )
    return registration


def _move_into_the_past(event: Event, days_ago: int, organiser: str) -> None:
    """Sign-ups happened before the day; then the day came and went."""
    length = event.ends_at - event.starts_at
    local_start = event.starts_at.astimezone(LONDON)
    day = timezone.localdate(timezone=LONDON) - timedelta(days=days_ago)
    starts = _at(day, local_start.hour, local_start.minute)
    do_update_event(
        event, starts_at=starts, ends_at=starts + length, acting_user=person(organiser), notify=False
    )


def run() -> None:
    visitors = {
        badge: do_find_or_create_person(email=email, badge_name=badge, acting_user=None)[0]
        for email, badge in VISITORS
    }
    p = person  # demo people by e-mail
    tom, grace, sol, nadia, kemi = (
        p("tom@example.org"),
        p("grace@example.org"),
        p("sol@example.org"),
        p("nadia@example.org"),
        p("kemi@example.org"),
    )
    lee, ben, aisha = p("lee@example.org"), p("ben@example.org"), p("aisha@example.org")

    # 1-2. The monthly co-production cuppa: an evening online drop-in anyone can join.
    cuppa_description = (
        "An informal hour online, once a month. Bring a drink and talk with people who use services, carers "
        "and staff about how things are going. No preparation, no slides, cameras on or off as you like."
    )
    cuppa = _event(
        CRISIS,
        "priya@example.org",
        day=_day(5, TUESDAY),
        start=(18, 30),
        minutes=60,
        title="Co-production cuppa",
        kind=Event.Kind.DROP_IN,
        is_public=True,
        format=Event.Format.ONLINE,
        online_joining_link="https://meet.example.org/coproduction-cuppa",
        capacity=30,
        description=cuppa_description,
    )
    for who, needs in [(grace, []), (sol, ["large_print"]), (lee, []), (visitors["Maya"], ["bsl"])]:
        _sign_up(cuppa, who, needs)
    next_cuppa_day = _day(33, TUESDAY)
    _event(
        CRISIS,
        "priya@example.org",
        day=next_cuppa_day,
        start=(18, 30),
        minutes=60,
        title="Co-production cuppa",
        kind=Event.Kind.DROP_IN,
        is_public=True,
        format=Event.Format.ONLINE,
        online_joining_link="https://meet.example.org/coproduction-cuppa",
        capacity=30,
        description=cuppa_description,
        registration_opens_at=_at(next_cuppa_day - timedelta(days=14), 9),
    )

    # 3. A hybrid workshop that is full, with people waiting.
    workshop = _event(
        CRISIS,
        "dee@example.org",
        day=_day(12, THURSDAY),
        start=(10, 30),
        minutes=75,
        title="Crisis care: what would have helped?",
        kind=Event.Kind.WORKSHOP,
        is_public=True,
        format=Event.Format.HYBRID,
        capacity=10,
        online_joining_link="https://meet.example.org/crisis-workshop",
        description=(
            "A co-production workshop for anyone who has been through a mental health crisis, cared for "
            "someone who has, or works in crisis services. Together we find what would have helped, and "
            "agree the three changes we most want the trust to make first."
        ),
        venue="Harbour Lane Community Hub, Main Hall\n14 Harbour Lane, Eastbrook EB2 4HL",
        access_information=(
            "Step-free entrance from the car park, lift to all floors, "
            "accessible toilet on the ground floor, "
            "hearing loop in the Main Hall, a quiet room next door. Bus 12 stops outside."
        ),
    )
    _agenda(workshop, "dee@example.org", WORKSHOP_AGENDA)
    for who, needs, details, attendance in [
        (tom, ["step_free"], "", "in_person"),
        (grace, ["easy_read", "quiet_space"], "", "in_person"),
        (sol, ["large_print"], "", "online"),
        (nadia, [], "", "in_person"),
        (kemi, ["dietary"], "Vegetarian, and no nuts please.", "in_person"),
        (visitors["Rowan"], ["step_free", "support_worker"], "My PA will come with me.", "in_person"),
        (visitors["Femi"], ["bsl"], "", "in_person"),
        (visitors["Jess"], ["easy_read", "step_free"], "", "in_person"),
        (visitors["Ollie"], ["hearing_loop"], "", "in_person"),
        (visitors["Maya"], ["bsl"], "", "online"),
        (lee, ["step_free"], "", "in_person"),  # full from here: the waitlist
        (ben, [], "", "online"),
    ]:
        _sign_up(workshop, who, needs, details, attendance)

    # 4. A members-only listening session for carers, on a weekday.
    listening = _event(
        CRISIS,
        "dee@example.org",
        day=_day(16, WEDNESDAY),
        start=(13, 0),
        minutes=90,
        title="Listening session: carers' experiences of crisis support",
        kind=Event.Kind.LISTENING,
        is_public=False,
        format=Event.Format.IN_PERSON,
        capacity=12,
        description="Carers tell us, in their own words, what happened when they asked for help in a crisis.",
        venue="Open Door Carers Network, Meeting Room 1\n3 Mill Street, Eastbrook EB1 2MS",
        access_information=(
            "Ground floor, step-free. Paid parking on Mill Street. Replacement care costs are covered."
        ),
    )
    _sign_up(listening, tom, ["hearing_loop"])
    _sign_up(listening, sol, ["large_print"])

    # 5. A members-only evening steering group meeting, online.
    _event(
        CRISIS,
        "priya@example.org",
        day=_day(9, WEDNESDAY),
        start=(18, 0),
        minutes=90,
        title="Steering group meeting",
        kind=Event.Kind.MEETING,
        is_public=False,
        format=Event.Format.ONLINE,
        online_joining_link="https://meet.example.org/crisis-steering",
        description="We review what we heard at the workshops and decide what to take to the trust board.",
    )

    # 6. Co-produced training on a Saturday: a weekend option.
    training = _event(
        CRISIS,
        "dee@example.org",
        day=_day(20, SATURDAY),
        start=(10, 0),
        minutes=180,
        title="Training: crisis conversations — what would you do?",
        kind=Event.Kind.TRAINING,
        is_public=True,
        format=Event.Format.IN_PERSON,
        capacity=16,
        description=(
            "A course written by our steering group around real situations. "
            "At each decision point you choose "
            "what you would do, then hear what actually happened and what the person wished had happened."
        ),
        venue=(
            "Eastbrook Mental Health NHS Foundation Trust, Learning Centre, Room 4\n"
            "Eastbrook General Site, EB3 1TR"
        ),
        access_information=(
            "Step-free via the main entrance, accessible toilets, hearing loop. Lunch provided."
        ),
    )
    _agenda(
        training,
        "dee@example.org",
        [
            ("Welcome and how the day works", 15, "What we will do and how to step out if you need to."),
            ("Case study one: the first phone call", 50, "Decision points, then what happened."),
            ("Break", 15, ""),
            ("Case study two: waiting for the crisis team", 50, "Decision points, then what happened."),
            ("What I will do differently", 20, "Each person writes one change they will make."),
            ("Feedback", 30, "What worked and what we should change in the course."),
        ],
    )
    _sign_up(training, nadia)
    _sign_up(training, aisha)

    # 7. A past workshop with attendance taken.
    mapping = _event(
        CRISIS,
        "dee@example.org",
        day=_day(10),
        start=(10, 0),
        minutes=120,
        title="Mapping the crisis pathway together",
        kind=Event.Kind.WORKSHOP,
        is_public=True,
        format=Event.Format.IN_PERSON,
        capacity=15,
        description="We drew the crisis pathway as people actually experienced it, step by step.",
        venue="Harbour Lane Community Hub, Main Hall\n14 Harbour Lane, Eastbrook EB2 4HL",
        access_information="Step-free entrance, hearing loop, quiet room next door.",
    )
    _agenda(
        mapping,
        "dee@example.org",
        [
            ("Preparing the ground", 10, "Introductions and ground rules."),
            ("Drawing the pathway", 60, "Each group draws the steps from first worry to feeling safe."),
            ("Finding the gaps", 40, "Where people fell through, and why."),
            ("Take-home messages", 10, ""),
        ],
    )
    came = [tom, grace, sol, visitors["Rowan"], visitors["Jess"]]
    registrations = [_sign_up(mapping, who) for who in came + [visitors["Ollie"]]]  # Ollie could not come
    _move_into_the_past(mapping, 21, "dee@example.org")
    for registration in registrations[: len(came)]:
        do_check_in(registration, acting_user=person("dee@example.org"))

    # 8. Placements: a public Saturday fair to meet the community organisations.
    fair = _event(
        PLACEMENTS,
        "marcus@example.org",
        day=_day(26, SATURDAY),
        start=(11, 0),
        minutes=240,
        title="Placements fair: meet the community organisations",
        kind=Event.Kind.FESTIVAL,
        is_public=True,
        format=Event.Format.IN_PERSON,
        capacity=80,
        description=(
            "Students, community organisations and the people they support meet to plan "
            "next term's placements. "
            "Stalls, short talks, and a creative table where everyone adds to one big drawing."
        ),
        venue="Northvale University, Student Union Main Hall\nCollege Road, Northvale NV1 5CU",
        access_information=(
            "Step-free throughout, quiet room on the first floor (lift), free parking on Saturdays."
        ),
    )
    for who in (aisha, ben, sol, lee):
        _sign_up(fair, who)

    # 9. Placements: members-only interview practice on a weekday.
    _event(
        PLACEMENTS,
        "kemi@example.org",
        day=_day(8, TUESDAY),
        start=(14, 0),
        minutes=90,
        title="Interview practice with people who use our services",
        kind=Event.Kind.INTERVIEW,
        is_public=False,
        format=Event.Format.IN_PERSON,
        capacity=6,
        description=(
            "Students practise listening interviews with volunteers from the hub, and get honest feedback."
        ),
        venue="Harbour Lane Community Hub, Room 2\n14 Harbour Lane, Eastbrook EB2 4HL",
        access_information="Ground floor, step-free.",
    )

    # 10. Placements: a sense-making workshop, members only, hybrid.
    sense_making = _event(
        PLACEMENTS,
        "kemi@example.org",
        day=_day(18, THURSDAY),
        start=(17, 30),
        minutes=90,
        title="Sense-making workshop: what we heard this term",
        kind=Event.Kind.WORKSHOP,
        is_public=False,
        format=Event.Format.HYBRID,
        capacity=20,
        online_joining_link="https://meet.example.org/placements-sense",
        description=(
            "Students and community members look at the interview notes together and agree the themes."
        ),
        venue="Harbour Lane Community Hub, Room 2\n14 Harbour Lane, Eastbrook EB2 4HL",
        access_information="Ground floor, step-free, hearing loop.",
    )
    _agenda(
        sense_making,
        "kemi@example.org",
        [
            ("Preparing the ground", 10, "What we are looking at, and how we keep it confidential."),
            ("Exploring together", 30, "Read the notes in pairs and write what stands out."),
            (
                "Tracking themes and take-home messages",
                20,
                "Group the notes into themes and name them together.",
            ),
            ("Checking back", 20, "Would the people we interviewed recognise these themes?"),
        ],
    )
    for who, needs, attendance in [
        (aisha, [], "in_person"),
        (ben, [], "online"),
        (sol, ["easy_read"], "in_person"),
    ]:
        _sign_up(sense_making, who, needs, attendance=attendance)

    # 11. Placements: a past welcome session with attendance.
    welcome = _event(
        PLACEMENTS,
        "marcus@example.org",
        day=_day(10),
        start=(9, 30),
        minutes=120,
        title="Placement welcome session",
        kind=Event.Kind.MEETING,
        is_public=False,
        format=Event.Format.IN_PERSON,
        capacity=20,
        description="Students meet their community organisations and agree how they will work together.",
        venue=(
            "Northvale University, School of Occupational Therapy, Room 1.12\nCollege Road, Northvale NV1 5CU"
        ),
        access_information="Step-free via the side entrance, lift to the first floor.",
    )
    welcome_registrations = [_sign_up(welcome, who) for who in (aisha, ben, sol)]
    _move_into_the_past(welcome, 35, "marcus@example.org")
    for registration in welcome_registrations[:2]:
        do_check_in(registration, acting_user=person("marcus@example.org"))
