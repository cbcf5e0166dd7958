"""Offers (made before an activity, never automatically), the person's private choice, and attendance.

A claim exists for an offer exactly while the offer is accepted (any choice but "decline") and the
person took part; :func:`_sync_claim` keeps that true after every change, so the order of events does
not matter: attending and then accepting makes the same draft claim as accepting and then attending.
An approved or paid claim never changes.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core.audit import record
from coproduce.events.models import Event
from coproduce.live.models import LiveSession
from coproduce.partnerships.models import Membership, Project

from .. import emails
from ..errors import RecognitionError
from ..limits import week_position
from ..models import (
    ActivityKind,
    Claim,
    ExpenseKind,
    Offer,
    PaymentPolicy,
    PrivateWeeklyLimit,
    Rate,
    SalariedForTime,
)
from ..rates import rate_amount_on

LONDON = ZoneInfo("Europe/London")
FINAL = (Claim.Status.APPROVED, Claim.Status.PAID)


def _local_date(moment) -> date:
    return timezone.localtime(moment, LONDON).date()


def _policy(project: Project) -> PaymentPolicy:
    policy = (
        PaymentPolicy.objects.select_related("organisation", "default_rate").filter(project=project).first()
    )
    if policy is None:
        raise RecognitionError(_("Set the project's payment policy before making offers."))
    return policy


def eligibility_problem(project: Project, person) -> str | None:
    """Why ``person`` cannot be offered payment in ``project``, or None if they can."""
    if not person.is_active:  # erased ("Former participant") or switched off: nobody to pay
        return _("This person's account is closed, so they cannot be offered payment.")
    if not Membership.objects.filter(project=project, person=person).exists():
        return _("Only members of the project can be offered payment.")
    if SalariedForTime.objects.filter(project=project, person=person).exists():
        return _("This person is paid a salary for this time, so is not offered payment.")
    return None


def do_make_offer(
    project: Project,
    person,
    *,
    kind: str,
    units: int,
    acting_user,
    event: Event | None = None,
    live_session: LiveSession | None = None,
    title: str = "",
    activity_date: date | None = None,
    rate: Rate | None = None,
    preparation_units: int = 0,
    notify: bool = True,
) -> Offer:
    """Offer ``person`` payment for one activity, at the rate in force on the activity's date.

    ``kind`` is an ActivityKind the project's policy pays for. An event or live session gives the title
    and date; a task needs both. ``rate`` defaults to the policy's rate; ``units`` counts what the rate
    is paid per (hours, half days, days, tasks); preparation is paid only if the rate says so.
    Raises RecognitionError if the policy does not pay for this, the person is not eligible, or they
    already have an offer for this event or session. With ``notify`` the person is e-mailed (if they
    want e-mail) once the offer is committed.
    """
    policy = _policy(project)
    if kind not in policy.paid_activities:
        raise RecognitionError(
            _("The project's payment policy does not pay for this kind of activity."), field="kind"
        )
    problem = eligibility_problem(project, person)
    if problem:
        raise RecognitionError(problem)
    if kind == ActivityKind.EVENT:
        if event is None or event.project_id != project.pk:
            raise RecognitionError(_("Choose one of the project's events."), field="event")
        title, activity_date, live_session = title or event.title, _local_date(event.starts_at), None
    elif kind == ActivityKind.LIVE:
        if live_session is None or live_session.event.project_id != project.pk:
            raise RecognitionError(_("Choose one of the project's live sessions."), field="live_session")
        title = title or live_session.title
        activity_date = _local_date(live_session.event.starts_at)
        event = None
    else:
        event = live_session = None
        title = title.strip()
        if not title:
            raise RecognitionError(_("Say what the task is."), field="title")
        if activity_date is None:
            raise RecognitionError(_("Enter the date of the task."), field="activity_date")
    rate = rate or policy.default_rate
    if rate.organisation_id != policy.organisation_id:
        raise RecognitionError(_("Choose a rate from the paying organisation's rate card."), field="rate")
    in_force = rate_amount_on(rate, activity_date)
    if in_force is None:
        raise RecognitionError(_("This rate has no amount in force on the activity's date."), field="rate")
    if units < 1:
        raise RecognitionError(_("Enter at least 1."), field="units")
    if preparation_units and not rate.preparation_paid:
        raise RecognitionError(_("This rate does not pay for preparation time."), field="preparation_units")
    covered = [code for code in policy.covered_expenses if code in ExpenseKind.values]
    try:
        with transaction.atomic():
            offer = Offer.objects.create(
                project=project,
                person=person,
                kind=kind,
                event=event,
                live_session=live_session,
                title=title,
                activity_date=activity_date,
                rate=rate,
                rate_amount_pence=in_force.amount_pence,
                units=units,
                preparation_units=preparation_units,
                amount_pence=in_force.amount_pence * (units + preparation_units),
                expenses_covered=covered,
            )
            record(
                "offer.made",
                offer,
                acting_user=acting_user,
                project=project.pk,
                person=person.pk,
                amount_pence=offer.amount_pence,
            )
            if notify:
                transaction.on_commit(lambda: emails.send_offer_made(offer))
    except IntegrityError:
        raise RecognitionError(
            _("%(name)s already has an offer for this.") % {"name": person.badge_name}
        ) from None
    return offer


def do_withdraw_offer(offer: Offer, *, acting_user) -> Offer:
    """Take back an offer (made by mistake, or the activity was cancelled). Not once its claim is approved."""
    with transaction.atomic():
        current = Offer.objects.select_for_update().get(pk=offer.pk)
        claim = Claim.objects.select_for_update().filter(offer=current).first()
        if claim is not None and claim.status in FINAL:
            raise RecognitionError(_("The claim for this offer is approved, so the offer stays."))
        current.status = Offer.Status.WITHDRAWN
        current.save(update_fields=["status"])
        record("offer.withdrawn", current, acting_user=acting_user)
        _sync_claim(current, acting_user=acting_user)
    offer.status = current.status
    return offer


def do_respond_to_offer(
    offer: Offer,
    *,
    choice: str,
    acting_user,
    method: str = "",
    lower_amount_pence: int | None = None,
    donation_cause: str = "",
    confirm_past_limit: bool = False,
) -> Offer:
    """The person's own choice: the full amount, a lower one, donate, expenses only, or decline.

    They may change their mind until the claim is approved. Accepting a fee that takes them past their
    own private weekly limit needs ``confirm_past_limit``: they are warned first, never stopped.
    """
    if choice not in Offer.Choice.values:
        raise RecognitionError(_("Choose what you would like to do."), field="choice")
    chosen = offer.amount_pence
    if choice == Offer.Choice.LOWER:
        if lower_amount_pence is None:
            raise RecognitionError(_("Enter the amount you would like."), field="lower_amount")
        if not 0 < lower_amount_pence < offer.amount_pence:
            raise RecognitionError(
                _("Enter an amount above £0.00 and below the amount offered."), field="lower_amount"
            )
        chosen = lower_amount_pence
    elif choice in (Offer.Choice.EXPENSES_ONLY, Offer.Choice.DECLINE):
        chosen = 0
    donation_cause = donation_cause.strip() if choice == Offer.Choice.DONATE else ""
    if choice == Offer.Choice.DONATE and not donation_cause:
        raise RecognitionError(_("Name the cause you would like to donate to."), field="donation_cause")
    needs_method = choice in (Offer.Choice.FULL, Offer.Choice.LOWER, Offer.Choice.EXPENSES_ONLY) or (
        choice == Offer.Choice.DONATE and offer.expenses_covered
    )
    method = method if needs_method else ""
    if needs_method and method not in Offer.Method.values:
        raise RecognitionError(_("Choose how you would like to be paid."), field="method")
    with transaction.atomic():
        current = Offer.objects.select_for_update().select_related("rate__organisation").get(pk=offer.pk)
        claim = Claim.objects.select_for_update().filter(offer=current).first()
        if current.status == Offer.Status.WITHDRAWN:
            raise RecognitionError(_("This offer has been withdrawn."))
        if claim is not None and claim.status in FINAL:
            raise RecognitionError(_("Your claim has been approved, so your choice can no longer change."))
        taking = chosen if choice in (Offer.Choice.FULL, Offer.Choice.LOWER) else 0
        if taking and not confirm_past_limit and week_position(current, taking).over_private_limit:
            raise RecognitionError(
                _(
                    "This payment takes you past the weekly limit you set for yourself. Tick the box to "
                    "confirm, or choose a lower amount."
                ),
                field="confirm_past_limit",
            )
        current.status = Offer.Status.CHOSEN
        current.choice = choice
        current.method = method
        current.chosen_amount_pence = chosen
        current.donation_cause = donation_cause
        current.chosen_at = timezone.now()
        current.save(
            update_fields=["status", "choice", "method", "chosen_amount_pence", "donation_cause", "chosen_at"]
        )
        # The choice itself is private: the audit row says a choice was made, not which.
        record("offer.chosen", current, acting_user=acting_user)
        _sync_claim(current, acting_user=acting_user)
    for name in ("status", "choice", "method", "chosen_amount_pence", "donation_cause", "chosen_at"):
        setattr(offer, name, getattr(current, name))
    return offer


def do_record_attendance(offer: Offer, *, acting_user) -> Claim | None:
    """The person took part (check-in, a live session, or a coordinator marking a task done).

    Returns the claim, a draft if new, when the offer is accepted; None while it is not.
    Recording twice keeps the first time.
    """
    with transaction.atomic():
        current = Offer.objects.select_for_update().get(pk=offer.pk)
        if current.status == Offer.Status.WITHDRAWN:
            return None
        if current.attended_at is None:
            current.attended_at = timezone.now()
            current.save(update_fields=["attended_at"])
            record("offer.attended", current, acting_user=acting_user)
        claim = _sync_claim(current, acting_user=acting_user)
    offer.attended_at = current.attended_at
    return claim


def do_undo_attendance(offer: Offer, *, acting_user) -> None:
    """Take back attendance recorded by mistake; a claim not yet approved is withdrawn."""
    with transaction.atomic():
        current = Offer.objects.select_for_update().get(pk=offer.pk)
        claim = Claim.objects.filter(offer=current).first()
        if current.attended_at is None or (claim is not None and claim.status in FINAL):
            return
        current.attended_at = None
        current.save(update_fields=["attended_at"])
        record("offer.attendance_undone", current, acting_user=acting_user)
        _sync_claim(current, acting_user=acting_user)
    offer.attended_at = None


def _sync_claim(offer: Offer, *, acting_user) -> Claim | None:
    """Make the claim match the offer: present (with the chosen fee) while accepted and attended.

    Call inside a transaction holding the offer's row lock.
    """
    claim = Claim.objects.select_for_update().filter(offer=offer).first()
    if claim is not None and claim.status in FINAL:
        return claim
    wanted = offer.accepted and offer.attended_at is not None
    if not wanted:
        if claim is not None and claim.status != Claim.Status.WITHDRAWN:
            claim.status = Claim.Status.WITHDRAWN
            claim.first_approved_by, claim.first_approved_at = None, None
            claim.save(update_fields=["status", "first_approved_by", "first_approved_at"])
            record("claim.withdrawn", claim, acting_user=acting_user)
        return None
    if claim is None:
        claim = Claim(offer=offer, project_id=offer.project_id, person_id=offer.person_id)
        claim.organisation_id = offer.rate.organisation_id
        action = "claim.drafted"
    elif claim.status == Claim.Status.WITHDRAWN:
        claim.status = Claim.Status.DRAFT
        action = "claim.redrafted"
    else:
        action = "claim.fee_changed"
    fee, donated = offer.fee_to_person_pence, offer.donated_pence
    if action == "claim.fee_changed" and (claim.fee_pence, claim.donated_pence) == (fee, donated):
        return claim
    if action == "claim.fee_changed" and claim.status == Claim.Status.SUBMITTED:
        # An approver may have looked at the old amount: a first approval no longer stands.
        claim.first_approved_by, claim.first_approved_at = None, None
    claim.fee_pence, claim.donated_pence = fee, donated
    claim.total_pence = claim.fee_pence + claim.expenses_pence
    claim.save()
    record(action, claim, acting_user=acting_user, offer=offer.pk)
    return claim


def do_set_private_limit(person, *, weekly_pence: int | None, acting_user) -> None:
    """Keep (or, with None, forget) the person's own weekly limit. Only they ever see it."""
    with transaction.atomic():
        if weekly_pence is None:
            PrivateWeeklyLimit.objects.filter(person=person).delete()
        else:
            PrivateWeeklyLimit.objects.update_or_create(
                person=person, defaults={"weekly_pence": weekly_pence}
            )
        # The audit row never holds the limit itself.
        record("private_weekly_limit.changed", person, acting_user=acting_user, removed=weekly_pence is None)
