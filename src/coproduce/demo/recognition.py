"""Demo payments for the crisis project, paid by the NHS trust: every state an offer and a claim can be in.

- Rate card with the 10% rise from 1 December 2025 (NIHR payment guidance), a Permitted Work limit and
  free-advice text; Morgan is the trust's finance officer.
- Offers: waiting for a choice (Grace), accepted in full (Tom), a lower amount (Sol), donated (Tom),
  declined (Kemi); Nadia is salaried for this time and is not offered payment.
- Claims: draft (Dee), sent (Grace), returned with a reason (Dee), approved (Sol, with mileage),
  approved and in a run ready to pay (Tom's donation), paid (Grace, before and after the rise).

All amounts and figures are illustrative; everything goes through the recognition actions.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from coproduce.events.models import Event
from coproduce.partnerships.models import Organisation
from coproduce.recognition import actions
from coproduce.recognition.models import ActivityKind, ExpenseKind, PaymentPolicy

from .cast import CRISIS, person, project

TRUST = "Eastbrook Mental Health NHS Foundation Trust"
RISE = date(2025, 12, 1)

ADVICE = (
    "Eastbrook Welfare Rights (free and confidential): 0300 555 0199, Monday to Friday 9am to 5pm.\n"
    "Citizens Advice Eastbrook: drop in at the Harbour Lane Community Hub on Tuesday mornings."
)


def _task(crisis, who, title, day, *, units=2, acting_user):
    return actions.do_make_offer(
        crisis,
        who,
        kind=ActivityKind.TASK,
        title=title,
        activity_date=day,
        units=units,
        acting_user=acting_user,
        notify=False,  # the demo's people are fictional: nobody to e-mail
    )


def run() -> None:
    crisis = project(CRISIS)
    if PaymentPolicy.objects.filter(project=crisis).exists():
        return
    trust = Organisation.objects.get(name=TRUST)
    priya, dee, tom = person("priya@example.org"), person("dee@example.org"), person("tom@example.org")
    grace, sol, kemi = person("grace@example.org"), person("sol@example.org"), person("kemi@example.org")
    nadia, morgan = person("nadia@example.org"), person("morgan@example.org")

    # Organisation data: the finance officer, the rate card with its rise, limits and settings.
    actions.do_add_finance_officer(trust, morgan, acting_user=None)
    hourly = actions.do_add_rate(
        trust,
        name="Involvement, per hour",
        unit="hour",
        amount_pence=2500,
        effective_from=date(2024, 4, 1),
        source="NIHR payment guidance",
        preparation_paid=True,
        acting_user=morgan,
    )
    half_day = actions.do_add_rate(
        trust,
        name="Involvement, half day",
        unit="half_day",
        amount_pence=7500,
        effective_from=date(2024, 4, 1),
        source="NIHR payment guidance",
        acting_user=morgan,
    )
    papers = actions.do_add_rate(
        trust,
        name="Reviewing papers, per task",
        unit="task",
        amount_pence=3000,
        effective_from=date(2024, 4, 1),
        source="NIHR payment guidance",
        acting_user=morgan,
    )
    for rate, before in ((hourly, 2500), (half_day, 7500), (papers, 3000)):
        actions.do_set_rate_amount(
            rate, amount_pence=before * 11 // 10, effective_from=RISE, acting_user=morgan
        )
    actions.do_set_permitted_work_limit(
        trust, weekly_pence=19550, effective_from=date(2025, 4, 7), acting_user=morgan
    )
    actions.do_update_payment_settings(
        trust,
        advice_text=ADVICE,
        receipt_required_above_pence=1000,
        mileage_pence_per_mile=45,
        payment_within_weeks=4,
        acting_user=morgan,
    )
    actions.do_set_payment_policy(
        crisis,
        organisation=trust,
        default_rate=hourly,
        paid_activities=list(ActivityKind.values),
        covered_expenses=list(ExpenseKind.values),
        budget_pence=600_000,
        second_approval_above_pence=15_000,
        acting_user=priya,
    )
    actions.do_set_salaried_for_time(crisis, nadia, salaried=True, acting_user=priya)

    # Grace reviewed the leaflet before the rise and again after it: both paid in January.
    before = _task(crisis, grace, "Reviewing the crisis leaflet", date(2025, 11, 20), acting_user=priya)
    after = _task(
        crisis, grace, "Reviewing the crisis leaflet, second draft", date(2025, 12, 4), acting_user=priya
    )
    for offer in (before, after):
        actions.do_respond_to_offer(offer, choice="full", method="bank_transfer", acting_user=grace)
        claim = actions.do_record_attendance(offer, acting_user=priya)
        actions.do_submit_claim(claim, acting_user=grace)
        actions.do_approve_claim(claim, acting_user=priya, notify=False)
    january = actions.do_create_payment_run(trust, acting_user=morgan)
    actions.do_mark_run_paid(
        january, paid_on=date(2026, 1, 15), reference="BACS-2026-01-15", acting_user=morgan, notify=False
    )

    today = timezone.localdate()
    past = Event.objects.filter(project=crisis, starts_at__lt=timezone.now()).order_by("-starts_at").first()
    upcoming = (
        Event.objects.filter(project=crisis, starts_at__gt=timezone.now()).order_by("starts_at").first()
    )

    # Tom donated his fee for the last workshop to the carers' network: approved, in a run not yet paid.
    donated = _task(
        crisis,
        tom,
        "Steering group: planning the listening events",
        today - timedelta(days=20),
        acting_user=priya,
    )
    actions.do_respond_to_offer(
        donated,
        choice="donate",
        method="bank_transfer",
        donation_cause="Open Door Carers Network",
        acting_user=tom,
    )
    claim = actions.do_record_attendance(donated, acting_user=priya)
    actions.do_add_expense(
        claim,
        kind=ExpenseKind.PUBLIC_TRANSPORT,
        amount_pence=640,
        description="Bus both ways",
        acting_user=tom,
    )
    actions.do_submit_claim(claim, acting_user=tom)
    actions.do_approve_claim(claim, acting_user=priya, notify=False)
    actions.do_create_payment_run(trust, acting_user=morgan)

    # Sol took a lower amount and claimed mileage: approved, waiting for the next run.
    if past is not None:
        lower = actions.do_make_offer(
            crisis, sol, kind=ActivityKind.EVENT, event=past, units=2, acting_user=priya, notify=False
        )
    else:
        lower = _task(crisis, sol, "Listening session", today - timedelta(days=10), acting_user=priya)
    actions.do_respond_to_offer(
        lower, choice="lower", method="voucher", lower_amount_pence=2000, acting_user=sol
    )
    claim = actions.do_record_attendance(lower, acting_user=priya)
    actions.do_add_expense(
        claim, kind=ExpenseKind.MILEAGE, miles=14, description="Home to the hub and back", acting_user=sol
    )
    actions.do_submit_claim(claim, acting_user=sol)
    actions.do_approve_claim(claim, acting_user=priya, notify=False)

    # Grace has sent a claim for a task; Dee has one draft and one returned.
    sent = _task(
        crisis, grace, "Reading the draft crisis plan", today - timedelta(days=6), units=3, acting_user=priya
    )
    actions.do_respond_to_offer(sent, choice="full", method="bank_transfer", acting_user=grace)
    actions.do_submit_claim(actions.do_record_attendance(sent, acting_user=priya), acting_user=grace)

    draft = _task(
        crisis, dee, "Co-facilitating the listening session", today - timedelta(days=3), acting_user=priya
    )
    actions.do_respond_to_offer(draft, choice="full", method="bank_transfer", acting_user=dee)
    actions.do_record_attendance(draft, acting_user=priya)

    returned = _task(crisis, dee, "Preparing the session plan", today - timedelta(days=12), acting_user=priya)
    actions.do_respond_to_offer(returned, choice="full", method="bank_transfer", acting_user=dee)
    claim = actions.do_record_attendance(returned, acting_user=priya)
    actions.do_add_expense(
        claim, kind=ExpenseKind.TAXI, amount_pence=900, reason="The bus was cancelled", acting_user=dee
    )
    actions.do_submit_claim(claim, acting_user=dee)
    actions.do_return_claim(
        claim,
        reason="Please add the taxi receipt: the trust needs one for taxis.",
        acting_user=priya,
        notify=False,
    )

    # Offers for what comes next: Grace has not chosen yet, Tom accepted, Kemi declined.
    if upcoming is not None:
        for who in (grace, tom, kemi):
            actions.do_make_offer(
                crisis, who, kind=ActivityKind.EVENT, event=upcoming, units=2, acting_user=priya, notify=False
            )
        actions.do_respond_to_offer(_offer(upcoming, tom), choice="full", method="voucher", acting_user=tom)
        actions.do_respond_to_offer(_offer(upcoming, kemi), choice="decline", acting_user=kemi)
    else:
        _task(crisis, grace, "Reviewing the feedback form", today + timedelta(days=7), acting_user=priya)
        accepted = _task(
            crisis, tom, "Reviewing the feedback form", today + timedelta(days=7), acting_user=priya
        )
        actions.do_respond_to_offer(accepted, choice="full", method="voucher", acting_user=tom)
        declined = _task(
            crisis, kemi, "Reviewing the feedback form", today + timedelta(days=7), acting_user=priya
        )
        actions.do_respond_to_offer(declined, choice="decline", acting_user=kemi)


def _offer(event, who):
    return event.project.payment_offers.get(event=event, person=who)
