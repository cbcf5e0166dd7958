"""Claims: the person adds expenses and sends the claim; a coordinator approves or returns it.

Every change locks the claim's row first (``SELECT ... FOR UPDATE``), so two coordinators pressing
"Approve" at the same moment are served one after the other: the second sees the first's approval.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core.audit import record

from .. import emails
from ..errors import RecognitionError
from ..models import Claim, Expense, ExpenseKind, PaymentPolicy
from ..money import format_pence
from ..rates import settings_for
from ..receipts import clean_receipt


def _lock(claim: Claim) -> Claim:
    return Claim.objects.select_for_update().select_related("offer", "organisation").get(pk=claim.pk)


def _refresh(claim: Claim, current: Claim) -> Claim:
    for field in Claim._meta.concrete_fields:
        setattr(claim, field.attname, getattr(current, field.attname))
    return claim


def _editable(current: Claim) -> None:
    if current.status not in (Claim.Status.DRAFT, Claim.Status.RETURNED):
        raise RecognitionError(_("This claim has been sent, so it can no longer be changed."))


def _recount(current: Claim) -> None:
    current.expenses_pence = sum(current.expenses.values_list("amount_pence", flat=True))
    current.total_pence = current.fee_pence + current.expenses_pence
    current.save(update_fields=["expenses_pence", "total_pence"])


def do_add_expense(
    claim: Claim,
    *,
    kind: str,
    acting_user,
    amount_pence: int | None = None,
    miles: int | None = None,
    description: str = "",
    reason: str = "",
    receipt=None,
) -> Expense:
    """Add an expense to a draft or returned claim.

    Mileage is ``miles`` at the organisation's rate per mile (no receipt needed); everything else is at
    cost (``amount_pence``), with a receipt above the organisation's threshold; a taxi needs a reason.
    Only expenses the offer covers can be added. The receipt is checked and cleaned (see receipts.py).
    """
    with transaction.atomic():
        current = _lock(claim)
        _editable(current)
        if kind not in current.offer.expenses_covered:
            raise RecognitionError(_("This offer does not cover that kind of expense."), field="kind")
        settings = settings_for(current.organisation)
        if kind == ExpenseKind.MILEAGE:
            if not miles or miles < 1:
                raise RecognitionError(_("Enter how many miles you travelled."), field="miles")
            amount_pence = miles * settings.mileage_pence_per_mile
        else:
            miles = None
            if not amount_pence or amount_pence <= 0:
                raise RecognitionError(_("Enter what you paid, for example 4.50."), field="amount")
        reason = reason.strip()
        if kind == ExpenseKind.TAXI and not reason:
            raise RecognitionError(_("Say why a taxi was needed."), field="reason")
        cleaned = clean_receipt(receipt) if receipt else None
        if (
            cleaned is None
            and kind != ExpenseKind.MILEAGE
            and amount_pence > settings.receipt_required_above_pence
        ):
            raise RecognitionError(
                _("Please add a receipt: it is needed for expenses above %(amount)s.")
                % {"amount": format_pence(settings.receipt_required_above_pence)},
                field="receipt",
            )
        expense = Expense(
            claim=current,
            kind=kind,
            description=description.strip(),
            miles=miles,
            amount_pence=amount_pence,
            reason=reason if kind == ExpenseKind.TAXI else "",
        )
        if cleaned is not None:
            expense.receipt_content_type = cleaned.content_type
            expense.receipt.save(cleaned.content.name, cleaned.content, save=False)
        try:
            expense.save()
            _recount(current)
        except Exception:
            if expense.receipt:  # the stored file must not outlive a failed save
                expense.receipt.storage.delete(expense.receipt.name)
            raise
        record("expense.added", expense, acting_user=acting_user, claim=current.pk, kind=kind)
    _refresh(claim, current)
    return expense


def do_remove_expense(expense: Expense, *, acting_user) -> None:
    with transaction.atomic():
        current = _lock(expense.claim)
        _editable(current)
        record("expense.removed", expense, acting_user=acting_user, claim=current.pk)
        name = expense.receipt.name if expense.receipt else ""
        expense.delete()
        _recount(current)
        if name:
            storage = Expense._meta.get_field("receipt").storage
            transaction.on_commit(lambda: storage.delete(name))
    _refresh(expense.claim, current)


def do_submit_claim(claim: Claim, *, acting_user) -> Claim:
    """The person confirms their claim and sends it for approval."""
    with transaction.atomic():
        current = _lock(claim)
        _editable(current)
        if current.total_pence == 0:
            raise RecognitionError(_("There is nothing to claim yet: add an expense, or change your choice."))
        current.status = Claim.Status.SUBMITTED
        current.submitted_at = timezone.now()
        current.returned_reason = ""
        current.save(update_fields=["status", "submitted_at", "returned_reason"])
        record("claim.submitted", current, acting_user=acting_user, total_pence=current.total_pence)
    return _refresh(claim, current)


def do_return_claim(claim: Claim, *, reason: str, acting_user, notify: bool = True) -> Claim:
    """Send a claim back to the person with a reason; any first approval is cleared.

    With ``notify`` the person is e-mailed the reason (if they want e-mail) after commit.
    """
    reason = reason.strip()
    if not reason:
        raise RecognitionError(
            _("Say why the claim is returned, so the person can put it right."), field="reason"
        )
    with transaction.atomic():
        current = _lock(claim)
        if current.status != Claim.Status.SUBMITTED:
            raise RecognitionError(_("Only a claim waiting for approval can be returned."))
        current.status = Claim.Status.RETURNED
        current.returned_reason = reason
        current.first_approved_by, current.first_approved_at = None, None
        current.save(update_fields=["status", "returned_reason", "first_approved_by", "first_approved_at"])
        record("claim.returned", current, acting_user=acting_user)
        if notify:
            transaction.on_commit(lambda: emails.send_claim_returned(current))
    return _refresh(claim, current)


def needs_second_approval(claim: Claim) -> bool:
    threshold = (
        PaymentPolicy.objects.filter(project_id=claim.project_id)
        .values_list("second_approval_above_pence", flat=True)
        .first()
    )
    return threshold is not None and claim.total_pence > threshold


def do_approve_claim(claim: Claim, *, acting_user, notify: bool = True) -> Claim:
    """Approve a sent claim. Above the project's threshold the first approval waits for a second
    approver, who must be someone else. Nobody approves their own claim.

    Returns the claim: ``status`` is "approved" once fully approved, still "submitted" after a first
    approval of a claim that needs two. With ``notify`` the person is e-mailed (if they want e-mail)
    once it is fully approved.
    """
    with transaction.atomic():
        current = _lock(claim)
        if current.person_id == acting_user.pk:
            raise RecognitionError(_("You cannot approve your own claim."))
        if current.status in (Claim.Status.APPROVED, Claim.Status.PAID):
            raise RecognitionError(_("This claim has already been approved."))
        if current.status != Claim.Status.SUBMITTED:
            raise RecognitionError(_("Only a claim the person has sent can be approved."))
        now = timezone.now()
        if current.first_approved_by_id is None:
            current.first_approved_by, current.first_approved_at = acting_user, now
            if needs_second_approval(current):
                current.save(update_fields=["first_approved_by", "first_approved_at"])
                record(
                    "claim.first_approval", current, acting_user=acting_user, total_pence=current.total_pence
                )
                return _refresh(claim, current)
        elif current.first_approved_by_id == acting_user.pk:
            raise RecognitionError(_("You approved this claim already: it needs a second approver."))
        else:
            current.second_approved_by = acting_user
        current.status = Claim.Status.APPROVED
        current.approved_at = now
        current.save(
            update_fields=[
                "first_approved_by",
                "first_approved_at",
                "second_approved_by",
                "status",
                "approved_at",
            ]
        )
        record("claim.approved", current, acting_user=acting_user, total_pence=current.total_pence)
        if notify:
            transaction.on_commit(lambda: emails.send_claim_approved(current))
    return _refresh(claim, current)
