"""Benchmark: a quarter's payments at scale — the approval queue page and a payment run's export.

Builds a project with 2,000 people and 20,000 claims (9,900 sent and waiting for approval, 10,100
approved), puts 100 approved claims in a small run and the other 10,000 in a big one through
``do_create_payment_run``, then times, through Django's test client as a browser would ask:

- the coordinator's approval queue page (first page and a middle page of 10,000 waiting claims);
- the run's export of 10,000 claims, as CSV and as XLSX;

and counts each one's database queries beside a run of 100 claims (the counts must be equal: the
queries do not grow with the size). The people and claims are written with ``bulk_create`` so that
building them does not dominate the run; every page and export is the real code path.

    python bench/payment_run.py [--people 2000] [--claims 20000] [--database-url URL] [--repeat 3]

Without ``--database-url`` (or COPRODUCE_BENCH_DATABASE_URL) it uses a fresh SQLite file in a
temporary directory. With a PostgreSQL URL, that database is dropped and created afresh.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def reset_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def build(n_people: int, n_claims: int):
    """The organisation, project, people, offers and claims; returns (coordinator, finance, project, org)."""
    from django.utils import timezone

    from coproduce.partnerships.models import Membership, Organisation, Project
    from coproduce.people.models import Person
    from coproduce.recognition import actions
    from coproduce.recognition.models import ActivityKind, Claim, ExpenseKind, Offer

    organisation = Organisation.objects.create(name="Bench Trust", kind="nhs_trust")
    project = Project.objects.create(title="A quarter of involvement", purpose="Benchmark", status="active")
    project.organisations.add(organisation)
    coordinator = Person.objects.create_user(email="coordinator@bench.invalid", badge_name="Coordinator")
    finance = Person.objects.create_user(email="finance@bench.invalid", badge_name="Finance")
    Membership.objects.create(project=project, person=coordinator, role="coordinator")
    actions.do_add_finance_officer(organisation, finance, acting_user=None)
    rate = actions.do_add_rate(
        organisation,
        name="Per hour",
        unit="hour",
        amount_pence=2500,
        effective_from=date(2024, 4, 1),
        acting_user=None,
    )
    actions.do_set_payment_policy(
        project,
        organisation=organisation,
        default_rate=rate,
        paid_activities=list(ActivityKind.values),
        covered_expenses=list(ExpenseKind.values),
        budget_pence=10**9,
        second_approval_above_pence=10**6,
        acting_user=coordinator,
    )
    people = Person.objects.bulk_create(
        [
            Person(
                email=f"person{i}@bench.invalid", badge_name=f"Person {i}", postal_address=f"{i} Bench Road"
            )
            for i in range(n_people)
        ],
        batch_size=1000,
    )
    Membership.objects.bulk_create([Membership(project=project, person=p) for p in people], batch_size=1000)
    now = timezone.now()
    start = date(2026, 1, 5)
    offers = Offer.objects.bulk_create(
        [
            Offer(
                project=project,
                person=people[i % n_people],
                kind="task",
                title=f"Task {i}",
                activity_date=start + timedelta(days=i % 90),
                rate=rate,
                rate_amount_pence=2500,
                units=2,
                amount_pence=5000,
                status="chosen",
                choice="full" if i % 7 else "donate",
                method="bank_transfer" if i % 3 else "voucher",
                chosen_amount_pence=5000,
                donation_cause="" if i % 7 else "Bench Carers",
                chosen_at=now,
                attended_at=now,
            )
            for i in range(n_claims)
        ],
        batch_size=1000,
    )
    approved = n_claims // 2 + 100  # 100 for a small run beside the big one
    Claim.objects.bulk_create(
        [
            Claim(
                offer=offer,
                project=project,
                person_id=offer.person_id,
                organisation=organisation,
                status="approved" if i < approved else "submitted",
                fee_pence=0 if offer.choice == "donate" else 5000,
                donated_pence=5000 if offer.choice == "donate" else 0,
                expenses_pence=450,
                total_pence=(0 if offer.choice == "donate" else 5000) + 450,
                submitted_at=now,
                approved_at=now if i < approved else None,
                first_approved_by=coordinator if i < approved else None,
                first_approved_at=now if i < approved else None,
            )
            for i, offer in enumerate(offers)
        ],
        batch_size=1000,
    )
    return coordinator, finance, project, organisation


def timed(client, path: str, repeat: int) -> tuple[float, int, int]:
    """(median seconds, queries, bytes) of GET ``path``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seconds = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(path)
            body = response.content
            seconds.append(time.perf_counter() - began)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(seconds), len(queries), len(body)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--claims", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("COPRODUCE_BENCH_DATABASE_URL", ""))
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="coproduce-bench-payments-"))
    os.environ["COPRODUCE_DATA_DIR"] = str(data_dir)
    if args.database_url:
        reset_postgres(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "coproduce.settings"
    # A benchmark on this machine, not a deployment: development settings with a key made up for the run.
    os.environ["COPRODUCE_PRODUCTION"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from coproduce.recognition import actions
    from coproduce.recognition.models import Claim

    setup_test_environment()  # the test client needs "testserver" allowed; nothing else changes
    call_command("migrate", interactive=False, verbosity=0)

    began = time.perf_counter()
    coordinator, finance, project, organisation = build(args.people, args.claims)
    approved = list(Claim.objects.filter(status="approved").order_by("pk").values_list("pk", flat=True))
    small_run = actions.do_create_payment_run(organisation, claim_ids=approved[:100], acting_user=finance)
    run_began = time.perf_counter()
    big_run = actions.do_create_payment_run(organisation, acting_user=finance)
    run_seconds = time.perf_counter() - run_began
    build_seconds = time.perf_counter() - began

    coordinator_client, finance_client = Client(), Client()
    coordinator_client.force_login(coordinator)
    finance_client.force_login(finance)
    waiting = Claim.objects.filter(project=project, status="submitted").count()
    queue = f"/payments/project/{project.pk}/claims/"
    rows = [
        ("approval queue, first page", timed(coordinator_client, queue, args.repeat), None),
        ("approval queue, page 100", timed(coordinator_client, queue + "?page=100", args.repeat), None),
    ]
    for fmt in ("csv", "xlsx"):
        big = timed(finance_client, f"/payments/runs/{big_run.pk}/export.{fmt}", args.repeat)
        small = timed(finance_client, f"/payments/runs/{small_run.pk}/export.{fmt}", 1)
        rows.append((f"export of {big_run.claim_count:,} claims, {fmt.upper()}", big, small))

    print(
        f"Payment runs at scale on {connection.vendor} ({os.cpu_count()} cores): {args.people:,} people, "
        f"{args.claims:,} claims ({waiting:,} waiting for approval, "
        f"{big_run.claim_count + small_run.claim_count:,} approved)"
    )
    print(
        f"  building the data took {build_seconds:.1f} s; do_create_payment_run for "
        f"{big_run.claim_count:,} claims took {run_seconds:.2f} s"
    )
    print(f"  {'what':<36} {'median':>8} {'queries':>8} {'size':>10}   queries for a run of 100")
    for name, (seconds, queries, size), small in rows:
        extra = f"   {small[1]} (same: {'yes' if small[1] == queries else 'NO'})" if small else ""
        print(f"  {name:<36} {seconds:>7.3f}s {queries:>8} {size / 1024:>8.0f} kB{extra}")
    slowest = max(seconds for _name, (seconds, _q, _s), _small in rows)
    print(f"  slowest {slowest:.3f} s against a target of 2 s: {'met' if slowest < 2 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
