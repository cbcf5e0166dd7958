"""Recognition fixtures: a paying organisation with a rate card, a project policy, and people.

The shared ``project`` (coordinator Sam, facilitator Robin, member Jo) is paid for by ``organisation``.
``finance`` is that organisation's finance officer and in no project.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from coproduce.events.actions import do_create_event, do_register_for_event
from coproduce.people.models import Person
from coproduce.recognition import actions
from coproduce.recognition.models import ActivityKind, ExpenseKind

LONDON = ZoneInfo("Europe/London")
HOURLY = 2500  # £25.00 an hour before 1 December 2025
HOURLY_FROM_DECEMBER = 2750  # the 10% rise


def person(n: int, badge_name: str | None = None) -> Person:
    return Person.objects.create_user(email=f"person{n}@example.org", badge_name=badge_name or f"Person {n}")


def london(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


@pytest.fixture
def finance(organisation) -> Person:
    officer = Person.objects.create_user(email="finance@example.org", badge_name="Morgan")
    actions.do_add_finance_officer(organisation, officer, acting_user=None)
    return officer


@pytest.fixture
def hourly_rate(organisation):
    rate = actions.do_add_rate(
        organisation,
        name="Involvement, per hour",
        unit="hour",
        amount_pence=HOURLY,
        effective_from=date(2024, 4, 1),
        source="NIHR payment guidance",
        preparation_paid=True,
        acting_user=None,
    )
    actions.do_set_rate_amount(
        rate, amount_pence=HOURLY_FROM_DECEMBER, effective_from=date(2025, 12, 1), acting_user=None
    )
    return rate


@pytest.fixture
def policy(project, organisation, hourly_rate, coordinator):
    return actions.do_set_payment_policy(
        project,
        organisation=organisation,
        default_rate=hourly_rate,
        paid_activities=list(ActivityKind.values),
        covered_expenses=list(ExpenseKind.values),
        budget_pence=500_000,
        second_approval_above_pence=20_000,
        acting_user=coordinator,
    )


@pytest.fixture
def event(project, coordinator):
    """A two-hour workshop in two days' time (people can still sign up; check-in is not time-bound)."""
    day = timezone.localdate() + timedelta(days=2)
    return do_create_event(
        project,
        title="Listening to carers",
        starts_at=london(day, 10),
        ends_at=london(day, 12),
        acting_user=coordinator,
    )


def register(event, who):
    return do_register_for_event(
        event, who, access_needs=[], details="", attendance=None, acting_user=who, notify=False
    )[0]


@pytest.fixture
def offer(policy, event, member, coordinator):
    return actions.do_make_offer(
        event.project, member, kind="event", event=event, units=2, acting_user=coordinator
    )


@pytest.fixture
def accepted(offer, member):
    return actions.do_respond_to_offer(offer, choice="full", method="bank_transfer", acting_user=member)


@pytest.fixture
def draft_claim(accepted, coordinator):
    return actions.do_record_attendance(accepted, acting_user=coordinator)


@pytest.fixture
def submitted_claim(draft_claim, member):
    return actions.do_submit_claim(draft_claim, acting_user=member)


@pytest.fixture
def approved_claim(submitted_claim, coordinator):
    return actions.do_approve_claim(submitted_claim, acting_user=coordinator)
