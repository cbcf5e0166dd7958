"""Offers, choices, attendance and claims through the actions (pages are tested in test_pages.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coproduce.core.models import AuditEntry
from coproduce.events.actions import do_check_in, do_undo_check_in
from coproduce.live.actions import do_join_session
from coproduce.live.models import LiveSession
from coproduce.recognition import actions
from coproduce.recognition.errors import RecognitionError
from coproduce.recognition.models import Claim, Offer
from coproduce.recognition.money import format_pence, parse_pounds
from coproduce.recognition.rates import rate_amount_on

from .conftest import HOURLY, HOURLY_FROM_DECEMBER, register

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------------------ money


@pytest.mark.parametrize(
    "pence,text", [(0, "£0.00"), (5, "£0.05"), (1250, "£12.50"), (123456, "£1,234.56"), (-50, "−£0.50")]
)
def test_pence_are_shown_as_pounds(pence, text):
    assert format_pence(pence) == text


@pytest.mark.parametrize("text,pence", [("12.50", 1250), ("£12.5", 1250), ("12", 1200), ("1,000.01", 100001)])
def test_pounds_typed_by_people_become_pence(text, pence):
    assert parse_pounds(text) == pence


@pytest.mark.parametrize("text", ["12.505", "-1", "twelve", "", "NaN", "1e3.5"])
def test_amounts_that_are_not_money_are_refused(text):
    with pytest.raises(ValueError):
        parse_pounds(text)


# ------------------------------------------------------------------------------------------ rates


def test_the_rate_in_force_is_the_one_on_the_activity_date(hourly_rate):
    assert rate_amount_on(hourly_rate, date(2025, 11, 30)).amount_pence == HOURLY
    assert rate_amount_on(hourly_rate, date(2025, 12, 1)).amount_pence == HOURLY_FROM_DECEMBER
    assert rate_amount_on(hourly_rate, date(2024, 3, 31)) is None


def test_an_offer_is_paid_at_the_rate_on_its_date_and_a_later_change_never_alters_it(
    policy, project, member, coordinator, hourly_rate
):
    before = actions.do_make_offer(
        project,
        member,
        kind="task",
        title="Reviewing papers",
        activity_date=date(2025, 11, 28),
        units=3,
        preparation_units=1,
        acting_user=coordinator,
    )
    after = actions.do_make_offer(
        project,
        member,
        kind="task",
        title="Reviewing papers again",
        activity_date=date(2025, 12, 2),
        units=3,
        acting_user=coordinator,
    )
    assert (before.rate_amount_pence, before.amount_pence) == (2500, 4 * 2500)
    assert (after.rate_amount_pence, after.amount_pence) == (2750, 3 * 2750)
    actions.do_set_rate_amount(
        hourly_rate, amount_pence=9999, effective_from=date(2025, 11, 1), acting_user=None
    )
    before.refresh_from_db()
    assert before.amount_pence == 10000


# ----------------------------------------------------------------------------------------- offers


def test_offers_follow_the_project_policy(project, member, coordinator, event, organisation, hourly_rate):
    with pytest.raises(RecognitionError, match="Set the project's payment policy before making offers."):
        actions.do_make_offer(project, member, kind="event", event=event, units=2, acting_user=coordinator)
    actions.do_set_payment_policy(
        project,
        organisation=organisation,
        default_rate=hourly_rate,
        paid_activities=["task"],
        covered_expenses=[],
        budget_pence=0,
        second_approval_above_pence=0,
        acting_user=coordinator,
    )
    with pytest.raises(RecognitionError, match="does not pay for this kind of activity"):
        actions.do_make_offer(project, member, kind="event", event=event, units=2, acting_user=coordinator)


def test_people_paid_a_salary_for_the_time_and_non_members_are_not_offered_payment(
    policy, project, event, member, outsider, coordinator
):
    with pytest.raises(RecognitionError, match="Only members of the project can be offered payment."):
        actions.do_make_offer(project, outsider, kind="event", event=event, units=2, acting_user=coordinator)
    actions.do_set_salaried_for_time(project, member, salaried=True, acting_user=coordinator)
    with pytest.raises(RecognitionError, match="paid a salary for this time"):
        actions.do_make_offer(project, member, kind="event", event=event, units=2, acting_user=coordinator)


def test_a_closed_account_is_not_offered_payment(policy, project, event, member, coordinator):
    member.is_active = False  # as erasure leaves a "Former participant"
    member.save(update_fields=["is_active"])
    with pytest.raises(RecognitionError, match="account is closed"):
        actions.do_make_offer(project, member, kind="event", event=event, units=2, acting_user=coordinator)


def test_one_offer_per_person_per_event(offer, project, event, member, coordinator):
    with pytest.raises(RecognitionError, match="Jo already has an offer for this."):
        actions.do_make_offer(project, member, kind="event", event=event, units=2, acting_user=coordinator)


def test_an_event_offer_takes_its_title_and_date_from_the_event(offer, event):
    assert offer.title == "Listening to carers"
    assert offer.activity_date == event.starts_at.date()
    assert offer.amount_pence == 2 * offer.rate_amount_pence
    assert offer.status == Offer.Status.PENDING


@pytest.mark.parametrize(
    "choice,extra,chosen,fee,donated",
    [
        ("full", {"method": "bank_transfer"}, 5000, 5000, 0),
        ("full", {"method": "voucher"}, 5000, 5000, 0),
        ("lower", {"method": "bank_transfer", "lower_amount_pence": 1500}, 1500, 1500, 0),
        ("donate", {"method": "bank_transfer", "donation_cause": "Carers' Centre"}, 5000, 0, 5000),
        ("expenses_only", {"method": "bank_transfer"}, 0, 0, 0),
    ],
)
def test_each_choice_sets_what_the_person_is_paid(
    offer, member, coordinator, choice, extra, chosen, fee, donated
):
    offer.amount_pence = 5000
    Offer.objects.filter(pk=offer.pk).update(amount_pence=5000)
    actions.do_respond_to_offer(offer, choice=choice, acting_user=member, **extra)
    offer.refresh_from_db()
    assert (offer.chosen_amount_pence, offer.fee_to_person_pence, offer.donated_pence) == (
        chosen,
        fee,
        donated,
    )
    claim = actions.do_record_attendance(offer, acting_user=coordinator)
    assert (claim.fee_pence, claim.donated_pence, claim.total_pence) == (fee, donated, fee)


@pytest.mark.parametrize(
    "kwargs,field,message",
    [
        ({"choice": "maybe"}, "choice", "Choose what you would like to do."),
        ({"choice": "full"}, "method", "Choose how you would like to be paid."),
        ({"choice": "lower", "method": "voucher"}, "lower_amount", "Enter the amount you would like."),
        (
            {"choice": "lower", "method": "voucher", "lower_amount_pence": 999999},
            "lower_amount",
            "Enter an amount above £0.00 and below the amount offered.",
        ),
        (
            {"choice": "donate", "method": "voucher"},
            "donation_cause",
            "Name the cause you would like to donate to.",
        ),
    ],
)
def test_a_choice_that_does_not_add_up_is_refused_next_to_its_field(offer, member, kwargs, field, message):
    with pytest.raises(RecognitionError) as caught:
        actions.do_respond_to_offer(offer, acting_user=member, **kwargs)
    assert (caught.value.field, caught.value.message) == (field, message)


def test_declining_needs_nothing_else_and_makes_no_claim(offer, member, coordinator):
    actions.do_respond_to_offer(offer, choice="decline", acting_user=member)
    assert actions.do_record_attendance(offer, acting_user=coordinator) is None
    assert not Claim.objects.exists()


def test_the_audit_says_a_choice_was_made_but_not_which(accepted):
    entry = AuditEntry.objects.get(action="offer.chosen")
    assert entry.details == {}


def test_a_private_weekly_limit_warns_before_accepting_past_it(offer, member):
    actions.do_set_private_limit(member, weekly_pence=3000, acting_user=member)
    with pytest.raises(RecognitionError) as caught:
        actions.do_respond_to_offer(offer, choice="full", method="bank_transfer", acting_user=member)
    assert caught.value.field == "confirm_past_limit"
    # Taking less than the limit needs no confirmation; neither does going past it knowingly.
    actions.do_respond_to_offer(
        offer, choice="lower", method="bank_transfer", lower_amount_pence=3000, acting_user=member
    )
    actions.do_respond_to_offer(
        offer, choice="full", method="bank_transfer", confirm_past_limit=True, acting_user=member
    )
    assert AuditEntry.objects.get(action="private_weekly_limit.changed").details == {"removed": False}


# ------------------------------------------------------------------------------ attendance → claim


def test_checking_in_turns_an_accepted_offer_into_a_draft_claim(
    accepted, event, member, facilitator, django_capture_on_commit_callbacks
):
    registration = register(event, member)
    with django_capture_on_commit_callbacks(execute=True):
        do_check_in(registration, acting_user=facilitator)
    claim = Claim.objects.get(offer=accepted)
    assert (claim.status, claim.fee_pence, claim.total_pence) == (
        "draft",
        accepted.amount_pence,
        accepted.amount_pence,
    )
    with django_capture_on_commit_callbacks(execute=True):
        do_undo_check_in(registration, acting_user=facilitator)
    claim.refresh_from_db()
    assert claim.status == "withdrawn"


def test_attending_before_choosing_makes_the_claim_when_the_person_accepts(
    offer, event, member, facilitator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        do_check_in(register(event, member), acting_user=facilitator)
    assert not Claim.objects.exists()  # never automatic: the person has not chosen yet
    actions.do_respond_to_offer(offer, choice="full", method="voucher", acting_user=member)
    assert Claim.objects.get(offer=offer).status == "draft"


def test_attendance_without_an_offer_makes_nothing(
    policy, event, member, facilitator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        do_check_in(register(event, member), acting_user=facilitator)
    assert not Claim.objects.exists()
    assert not Offer.objects.exists()


def test_taking_part_in_a_live_session_signed_in_makes_the_draft_claim(
    policy, project, event, member, coordinator, django_capture_on_commit_callbacks
):
    session = LiveSession.objects.create(event=event, title="Listening to carers: live")
    offer = actions.do_make_offer(
        project, member, kind="live", live_session=session, units=1, acting_user=coordinator
    )
    actions.do_respond_to_offer(offer, choice="full", method="bank_transfer", acting_user=member)
    with django_capture_on_commit_callbacks(execute=True):
        do_join_session(session, badge_name="Guest", person=None)
    assert not Claim.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        do_join_session(session, badge_name="Jo", person=member)
    assert Claim.objects.get(offer=offer).status == "draft"


def test_changing_ones_mind_updates_the_claim_until_it_is_approved(draft_claim, member, coordinator):
    offer = draft_claim.offer
    actions.do_respond_to_offer(
        offer, choice="lower", method="voucher", lower_amount_pence=1000, acting_user=member
    )
    draft_claim.refresh_from_db()
    assert draft_claim.fee_pence == 1000
    actions.do_submit_claim(draft_claim, acting_user=member)
    actions.do_approve_claim(draft_claim, acting_user=coordinator)
    with pytest.raises(
        RecognitionError, match="Your claim has been approved, so your choice can no longer change."
    ):
        actions.do_respond_to_offer(offer, choice="decline", acting_user=member)


def test_declining_after_attending_withdraws_the_draft_and_accepting_again_restores_it(draft_claim, member):
    actions.do_respond_to_offer(draft_claim.offer, choice="decline", acting_user=member)
    draft_claim.refresh_from_db()
    assert draft_claim.status == "withdrawn"
    actions.do_respond_to_offer(draft_claim.offer, choice="full", method="voucher", acting_user=member)
    draft_claim.refresh_from_db()
    assert draft_claim.status == "draft"


# ---------------------------------------------------------------------------- approval


def test_a_claim_is_sent_then_approved_and_every_step_is_audited(submitted_claim, coordinator):
    assert submitted_claim.status == "submitted"
    claim = actions.do_approve_claim(submitted_claim, acting_user=coordinator)
    assert claim.status == "approved" and claim.first_approved_by == coordinator
    steps = list(
        AuditEntry.objects.filter(subject_type="recognition.claim")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert steps == ["claim.drafted", "claim.submitted", "claim.approved"]


def test_nobody_approves_their_own_claim(policy, project, coordinator, event):
    offer = actions.do_make_offer(
        project, coordinator, kind="event", event=event, units=1, acting_user=coordinator
    )
    actions.do_respond_to_offer(offer, choice="full", method="voucher", acting_user=coordinator)
    claim = actions.do_record_attendance(offer, acting_user=coordinator)
    actions.do_submit_claim(claim, acting_user=coordinator)
    with pytest.raises(RecognitionError, match="You cannot approve your own claim."):
        actions.do_approve_claim(claim, acting_user=coordinator)


def test_a_claim_above_the_threshold_needs_a_second_different_approver(
    submitted_claim, coordinator, finance, policy
):
    policy.second_approval_above_pence = submitted_claim.total_pence - 1
    policy.save()
    claim = actions.do_approve_claim(submitted_claim, acting_user=coordinator)
    assert claim.status == "submitted" and claim.first_approved_by == coordinator
    with pytest.raises(
        RecognitionError, match="You approved this claim already: it needs a second approver."
    ):
        actions.do_approve_claim(claim, acting_user=coordinator)
    claim = actions.do_approve_claim(claim, acting_user=finance)
    assert (claim.status, claim.second_approved_by) == ("approved", finance)
    with pytest.raises(RecognitionError, match="This claim has already been approved."):
        actions.do_approve_claim(claim, acting_user=finance)


def test_a_returned_claim_carries_its_reason_and_can_be_sent_again(submitted_claim, coordinator, member):
    with pytest.raises(RecognitionError, match="Say why the claim is returned"):
        actions.do_return_claim(submitted_claim, reason="  ", acting_user=coordinator)
    claim = actions.do_return_claim(
        submitted_claim, reason="Please add the bus ticket.", acting_user=coordinator
    )
    assert (claim.status, claim.returned_reason) == ("returned", "Please add the bus ticket.")
    claim = actions.do_submit_claim(claim, acting_user=member)
    assert (claim.status, claim.returned_reason) == ("submitted", "")


def test_a_sent_claim_cannot_be_changed(submitted_claim, member):
    with pytest.raises(RecognitionError, match="This claim has been sent, so it can no longer be changed."):
        actions.do_add_expense(submitted_claim, kind="public_transport", amount_pence=500, acting_user=member)


def test_nothing_to_claim_cannot_be_sent(offer, member, coordinator):
    actions.do_respond_to_offer(offer, choice="expenses_only", method="voucher", acting_user=member)
    claim = actions.do_record_attendance(offer, acting_user=coordinator)
    with pytest.raises(RecognitionError, match="There is nothing to claim yet"):
        actions.do_submit_claim(claim, acting_user=member)
    actions.do_add_expense(claim, kind="mileage", miles=10, acting_user=member)
    assert actions.do_submit_claim(claim, acting_user=member).total_pence == 450


# ---------------------------------------------------------------------------- payment runs


def test_a_payment_run_takes_approved_claims_once_and_is_marked_paid_once(
    approved_claim, organisation, finance
):
    run = actions.do_create_payment_run(organisation, acting_user=finance)
    assert (run.claim_count, run.total_pence) == (1, approved_claim.total_pence)
    with pytest.raises(RecognitionError, match="There are no approved claims waiting for a payment run."):
        actions.do_create_payment_run(organisation, acting_user=finance)
    with pytest.raises(RecognitionError, match="Enter the payment reference"):
        actions.do_mark_run_paid(run, paid_on=date.today(), reference=" ", acting_user=finance)
    with pytest.raises(RecognitionError, match="cannot be in the future"):
        actions.do_mark_run_paid(
            run, paid_on=date.today() + timedelta(days=2), reference="BACS-1", acting_user=finance
        )
    actions.do_mark_run_paid(run, paid_on=date.today(), reference="BACS-1", acting_user=finance)
    approved_claim.refresh_from_db()
    assert (approved_claim.status, approved_claim.paid_on) == ("paid", date.today())
    with pytest.raises(RecognitionError, match="This payment run has already been marked paid."):
        actions.do_mark_run_paid(run, paid_on=date.today(), reference="BACS-2", acting_user=finance)
    assert AuditEntry.objects.filter(action="claim.paid", subject_id=str(approved_claim.pk)).count() == 1
