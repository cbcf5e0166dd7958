"""The demo partnership: four organisations, two projects, and people of every perspective.

A university occupational therapy course, a mental health NHS trust and two community organisations
work together. Everyone here is fictional.
"""

from __future__ import annotations

from dataclasses import dataclass

from coproduce.partnerships.models import Membership, Organisation, Project
from coproduce.people.models import Person

ORGANISATIONS = [
    ("Northvale University, School of Occupational Therapy", Organisation.Kind.UNIVERSITY),
    ("Eastbrook Mental Health NHS Foundation Trust", Organisation.Kind.NHS_TRUST),
    ("Harbour Lane Community Hub", Organisation.Kind.VOLUNTARY),
    ("Open Door Carers Network", Organisation.Kind.VOLUNTARY),
]

PLACEMENTS = "Community placements partnership"
CRISIS = "Crisis support, designed together"

PROJECTS = [
    (
        PLACEMENTS,
        "Occupational therapy students spend a term with a community organisation, listen to the people "
        "it supports, and bring back ideas that the organisation and those people judge together.",
        Project.Status.ACTIVE,
        Project.LadderRung.CO_DESIGN,
        [0, 2, 3],
    ),
    (
        CRISIS,
        "People who have used crisis services, carers and staff decide together what should change in how "
        "the trust supports people in a mental health crisis, and check that it did.",
        Project.Status.ACTIVE,
        Project.LadderRung.CO_PRODUCTION,
        [1, 2, 3],
    ),
]


@dataclass(frozen=True)
class DemoPerson:
    email: str
    badge_name: str
    perspectives: tuple[str, ...]
    roles: tuple[tuple[str, str], ...]  # (project title, role)
    describe: str


C, F, S, M = (
    Membership.Role.COORDINATOR,
    Membership.Role.FACILITATOR,
    Membership.Role.STEERING,
    Membership.Role.MEMBER,
)

DEMO_PEOPLE = [
    DemoPerson(
        "priya@example.org",
        "Priya",
        ("professional",),
        ((CRISIS, C), (PLACEMENTS, M)),
        "coordinator, crisis project (involvement lead)",
    ),
    DemoPerson(
        "marcus@example.org",
        "Marcus",
        ("professional",),
        ((PLACEMENTS, C),),
        "coordinator, placements project (lecturer)",
    ),
    DemoPerson(
        "dee@example.org",
        "Dee",
        ("lived_experience",),
        ((CRISIS, F), (PLACEMENTS, S)),
        "facilitator with lived experience",
    ),
    DemoPerson("tom@example.org", "Tom", ("carer",), ((CRISIS, S),), "carer, steering group"),
    DemoPerson(
        "grace@example.org", "Grace", ("lived_experience",), ((CRISIS, M),), "member with lived experience"
    ),
    DemoPerson(
        "sol@example.org",
        "Sol",
        ("lived_experience", "carer"),
        ((CRISIS, M), (PLACEMENTS, M)),
        "member, lived experience and carer",
    ),
    DemoPerson(
        "aisha@example.org", "Aisha", ("student",), ((PLACEMENTS, M),), "occupational therapy student"
    ),
    DemoPerson("ben@example.org", "Ben", ("student",), ((PLACEMENTS, M),), "occupational therapy student"),
    DemoPerson(
        "kemi@example.org",
        "Kemi",
        ("organisation",),
        ((PLACEMENTS, F), (CRISIS, M)),
        "community hub worker, facilitator",
    ),
    DemoPerson("nadia@example.org", "Nadia", ("professional",), ((CRISIS, M),), "crisis team nurse"),
    DemoPerson("lee@example.org", "Lee", (), (), "not in any project (signs up to public events)"),
    DemoPerson(
        "morgan@example.org",
        "Morgan",
        ("professional",),
        (),
        "finance officer at the NHS trust (pays people)",
    ),
]


def ensure_cast() -> None:
    """Create organisations, projects, people and memberships (idempotent by e-mail and title)."""
    organisations = [
        Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0]
        for name, kind in ORGANISATIONS
    ]
    projects = {}
    for title, purpose, status, rung, org_indexes in PROJECTS:
        project, _ = Project.objects.get_or_create(
            title=title, defaults={"purpose": purpose, "status": status, "ladder_rung": rung}
        )
        project.organisations.set([organisations[i] for i in org_indexes])
        projects[title] = project
    for demo in DEMO_PEOPLE:
        person = Person.objects.filter(email=demo.email).first() or Person.objects.create_user(
            email=demo.email, badge_name=demo.badge_name
        )
        for title, role in demo.roles:
            Membership.objects.get_or_create(project=projects[title], person=person, defaults={"role": role})


def person(email: str) -> Person:
    return Person.objects.get(email=email)


def project(title: str) -> Project:
    return Project.objects.get(title=title)
