"""Benchmark: the impact report of a synthetic five-year project.

    .venv/bin/python bench/impact_report.py              # 500 events, 20,000 registrations, ...
    .venv/bin/python bench/impact_report.py --scale 0.1  # a tenth of everything, to try it quickly
    DATABASE_URL=postgres://... .venv/bin/python bench/impact_report.py   # on PostgreSQL (a fresh database)

It builds, in a fresh database (SQLite under a temporary data directory unless DATABASE_URL is set), a
project with 500 events over five years, 20,000 check-ins by 4,000 people with declared perspectives,
live sessions with 200,000 votes, 2,000 feedback responses and 500 actions, written in bulk (this is a
load, not a demo: the rows are not made through actions). Then it requests the report page as the
coordinator, the way a browser would, and prints the time to build and render it (best and median of
five) and the number of database queries, beside the same figures for a tenth of the project, measured
in the same run: the query count must be the same, and the time should not grow tenfold.
The PDF version is not built yet (see docs/outcomes.md), so there is no PDF figure.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup(data_dir: str) -> None:
    os.environ["COPRODUCE_DATA_DIR"] = data_dir  # a fresh SQLite file, never the developer's own
    os.environ["DJANGO_SETTINGS_MODULE"] = "coproduce.settings"
    if os.environ.get("DATABASE_URL"):  # a development run on a shared database, with a key of its own
        os.environ.setdefault("COPRODUCE_PRODUCTION", "0")
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(
    title: str,
    *,
    events: int,
    registrations: int,
    people: int,
    votes: int,
    responses: int,
    actions: int,
    seed: int,
):
    from django.utils import timezone

    from coproduce.deliberation.models import Statement, Vote
    from coproduce.events.models import Event, Registration
    from coproduce.live.models import LiveSession, Participant
    from coproduce.outcomes.models import (
        Action,
        FeedbackAnswer,
        FeedbackForm,
        FeedbackQuestion,
        FeedbackResponse,
    )
    from coproduce.partnerships.models import Membership, Project
    from coproduce.people.models import Person, Perspective

    rng = random.Random(seed)
    now = timezone.now()
    project = Project.objects.create(
        title=title, purpose="A synthetic project.", status=Project.Status.ACTIVE
    )
    coordinator = Person.objects.create_user(
        email=f"coordinator-{project.pk}@example.org", badge_name="Coordinator"
    )
    Membership.objects.create(project=project, person=coordinator, role=Membership.Role.COORDINATOR)
    persons = Person.objects.bulk_create(
        [Person(email=f"p{project.pk}-{i}@example.org", badge_name=f"P{i}") for i in range(people)],
        batch_size=2000,
    )
    kinds = [k for k, _label in Perspective.Kind.choices]
    Perspective.objects.bulk_create(
        [Perspective(person=p, perspective=rng.choice(kinds)) for p in persons if rng.random() < 0.8],
        batch_size=2000,
    )
    event_rows = []
    for i in range(events):
        start = now - timedelta(days=rng.randint(1, 5 * 365))
        event_rows.append(
            Event(project=project, title=f"Event {i}", starts_at=start, ends_at=start + timedelta(hours=2))
        )
    event_rows = Event.objects.bulk_create(event_rows, batch_size=1000)
    per_event = max(1, registrations // events)
    regs = []
    for event in event_rows:
        for person in rng.sample(persons, min(per_event, len(persons))):
            regs.append(
                Registration(
                    event=event,
                    person=person,
                    status=Registration.Status.REGISTERED,
                    attendance="in_person",
                    checked_in_at=event.starts_at,
                )
            )
    Registration.objects.bulk_create(regs, batch_size=2000)

    sessions = LiveSession.objects.bulk_create(
        [
            LiveSession(event=e, title="Session", join_code=f"B{project.pk}X{i}")
            for i, e in enumerate(event_rows[:100])
        ]
    )
    participants, statements = [], []
    for session in sessions:
        for j in range(20):
            participants.append(Participant(session=session, badge_name=f"N{j}"))
        for j in range(20):
            statements.append(Statement(session=session, text=f"Statement {j}"))
    participants = Participant.objects.bulk_create(participants, batch_size=2000)
    statements = Statement.objects.bulk_create(statements, batch_size=2000)
    by_session_p, by_session_s = {}, {}
    for p in participants:
        by_session_p.setdefault(p.session_id, []).append(p)
    for s in statements:
        by_session_s.setdefault(s.session_id, []).append(s)
    vote_rows = []
    per_session = max(1, votes // len(sessions))
    for session in sessions:
        pairs = [(p, s) for p in by_session_p[session.pk] for s in by_session_s[session.pk]]
        for p, s in pairs[:per_session]:
            vote_rows.append(Vote(session=session, participant=p, statement=s, value=rng.choice((-1, 0, 1))))
    Vote.objects.bulk_create(vote_rows, batch_size=5000)

    forms = []
    for event in event_rows[:200]:
        forms.append(FeedbackForm(project=project, event=event, title="How was it?"))
    forms = FeedbackForm.objects.bulk_create(forms)
    questions = FeedbackQuestion.objects.bulk_create(
        [
            FeedbackQuestion(form=f, kind="rating", text="How was it overall?", library_key="overall")
            for f in forms
        ]
    )
    question_of = {q.form_id: q for q in questions}
    response_rows = FeedbackResponse.objects.bulk_create(
        [FeedbackResponse(form=rng.choice(forms)) for _ in range(responses)], batch_size=2000
    )
    FeedbackAnswer.objects.bulk_create(
        [
            FeedbackAnswer(response=r, question=question_of[r.form_id], rating=rng.randint(1, 5))
            for r in response_rows
        ],
        batch_size=2000,
    )
    statuses = [s for s, _label in Action.Status.choices]
    Action.objects.bulk_create(
        [
            Action(
                project=project,
                title=f"Action {i}",
                you_said="You said.",
                status=(status := rng.choice(statuses)),
                status_reason="Because." if status == "not_doing" else "",
            )
            for i in range(actions)
        ],
        batch_size=1000,
    )
    return project, coordinator


def measure(project, coordinator) -> tuple[float, float, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    client = Client()
    client.force_login(coordinator)
    today = timezone.localdate()
    url = f"/outcomes/project/{project.pk}/impact/?start={today.replace(year=today.year - 5)}&end={today}"
    times = []
    queries = 0
    for _ in range(5):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        queries = len(captured)
    return min(times), statistics.median(times), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the five-year project to build")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="coproduce-bench-") as data_dir:
        setup(data_dir)
        full = {
            "events": 500,
            "registrations": 20_000,
            "people": 4_000,
            "votes": 200_000,
            "responses": 2_000,
            "actions": 500,
        }
        sizes = {name: max(1, int(n * args.scale)) for name, n in full.items()}
        tenth = {name: max(1, n // 10) for name, n in sizes.items()}
        results = {}
        for label, size in (("a tenth", tenth), ("full", sizes)):
            started = time.perf_counter()
            project, coordinator = build(f"Synthetic ({label})", seed=args.seed, **size)
            built = time.perf_counter() - started
            results[label] = (size, built, *measure(project, coordinator))
        print("impact report page, five-year synthetic project")
        for label, (size, built, best, median, queries) in results.items():
            sizes_text = ", ".join(f"{n:,} {name}" for name, n in size.items())
            print(f"  {label:8} ({sizes_text}; built in {built:.1f} s)")
            print(
                f"           page: best {best * 1000:.0f} ms, median {median * 1000:.0f} ms, "
                f"{queries} queries"
            )
        small, large = results["a tenth"], results["full"]
        print(f"  ratio full / a tenth: time {large[3] / small[3]:.2f}x, queries {large[4]} vs {small[4]}")
        print("  target: page under 1 s; same number of queries. PDF: not built yet.")


if __name__ == "__main__":
    main()
