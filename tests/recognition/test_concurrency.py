"""Two people acting on the same claims at the same moment, on PostgreSQL: a claim is never in two
runs, never approved twice, never paid twice.

Threads each have their own database connection and are released together by a barrier. Each action
is slowed between reading the rows and writing them, so the race is real: without the row locks
(``select_for_update`` in actions/claims.py and actions/runs.py) every one of these tests fails
(checked by removing them).
"""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from django.db import connection, connections

from coproduce.core.models import AuditEntry
from coproduce.partnerships.models import Membership
from coproduce.recognition import actions
from coproduce.recognition.actions import claims as claim_actions
from coproduce.recognition.actions import runs as run_actions
from coproduce.recognition.errors import RecognitionError
from coproduce.recognition.models import Claim, PaymentRun

from .conftest import person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (set DATABASE_URL): SQLite has one writer at a time, so no race to show"
        )


def run_in_parallel(work, n: int) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # surfaced by the caller's assertions
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def slowed(monkeypatch, module, name):
    original = getattr(module, name)

    def slowly(*args, **kwargs):
        result = original(*args, **kwargs)
        time.sleep(0.2)  # widen the window between reading the rows and writing them
        return result

    monkeypatch.setattr(module, name, slowly)


@pytest.fixture
def approved_claims(policy, project, coordinator):
    claims = []
    for n in range(5):
        someone = person(n)
        Membership.objects.create(project=project, person=someone)
        offer = actions.do_make_offer(
            project,
            someone,
            kind="task",
            title=f"Reviewing papers {n}",
            activity_date=date(2025, 11, 3),
            units=1,
            acting_user=coordinator,
        )
        actions.do_respond_to_offer(offer, choice="full", method="bank_transfer", acting_user=someone)
        claim = actions.do_record_attendance(offer, acting_user=coordinator)
        actions.do_submit_claim(claim, acting_user=someone)
        claims.append(actions.do_approve_claim(claim, acting_user=coordinator))
    return claims


def test_two_payment_runs_started_at_once_never_share_a_claim(
    postgres, monkeypatch, approved_claims, organisation, finance
):
    slowed(monkeypatch, run_actions, "_lock_waiting_claims")
    results = run_in_parallel(lambda i: actions.do_create_payment_run(organisation, acting_user=finance), 2)

    runs = [r for r in results if isinstance(r, PaymentRun)]
    refusals = [r for r in results if isinstance(r, RecognitionError)]
    assert len(runs) == 1 and len(refusals) == 1, results
    assert refusals[0].message == "There are no approved claims waiting for a payment run."
    assert sum(PaymentRun.objects.values_list("claim_count", flat=True)) == 5
    assert set(Claim.objects.values_list("payment_run", flat=True)) == {runs[0].pk}
    assert AuditEntry.objects.filter(action="claim.added_to_run").count() == 5


def test_two_coordinators_approving_at_once_approve_once(
    postgres, monkeypatch, submitted_claim, coordinator, project
):
    second = person(50, "Dee")
    Membership.objects.create(project=project, person=second, role=Membership.Role.COORDINATOR)
    slowed(monkeypatch, claim_actions, "_lock")
    approvers = [coordinator, second]
    results = run_in_parallel(
        lambda i: actions.do_approve_claim(submitted_claim, acting_user=approvers[i]), 2
    )

    assert sum(isinstance(r, Claim) for r in results) == 1, results
    assert [r.message for r in results if isinstance(r, RecognitionError)] == [
        "This claim has already been approved."
    ]
    assert AuditEntry.objects.filter(action="claim.approved").count() == 1


def test_a_run_marked_paid_twice_at_once_is_paid_once(
    postgres, monkeypatch, approved_claims, organisation, finance
):
    run = actions.do_create_payment_run(organisation, acting_user=finance)
    other = person(60, "Lee")
    actions.do_add_finance_officer(organisation, other, acting_user=None)
    officers = [finance, other]
    slowed(monkeypatch, run_actions, "_audit_each")
    results = run_in_parallel(
        lambda i: actions.do_mark_run_paid(
            run, paid_on=date.today(), reference=f"BACS-{i}", acting_user=officers[i]
        ),
        2,
    )

    assert sum(isinstance(r, PaymentRun) for r in results) == 1, results
    assert AuditEntry.objects.filter(action="payment_run.paid").count() == 1
    assert AuditEntry.objects.filter(action="claim.paid").count() == 5
    assert Claim.objects.filter(status="paid").count() == 5
