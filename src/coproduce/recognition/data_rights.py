"""What payments hold about a person, for their data download and erasure (see ``people.data_rights``).

Export: every offer made to them with the choice they made, their private weekly limit, their claims
with the expenses on them (what, how much, and whether a receipt was added — not the receipt files,
which they can open on the claim's page), what was paid and when, and the totals of each yearly
statement.

Erasure keeps only what the paying organisation must keep as a record of money it has committed:

- A claim that is **approved or paid** stays, with its offer (what it was for, the activity's date,
  the amounts, the donation cause the fee was paid to) and its payment run (date and bank
  reference). It keeps pointing at the person's account, which ``do_erase_person`` then anonymises
  as "Former participant" — as attendance and memberships are kept elsewhere. The words the person
  typed on its expenses are cleared, and the receipt files are deleted.
- Everything else is deleted: offers still waiting for a choice, choices on offers not yet approved
  for payment, claims not yet approved (draft, sent, returned or withdrawn) with their expenses and
  receipt files, the private weekly limit, "salaried for this time" marks and finance-team roles.
  A claim sent but not yet approved is not paid after erasure: there is nobody left to pay.

Receipt files are deleted from storage after the erasure commits, so a rollback never loses one.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import ngettext

from coproduce.people.data_rights import register

from .access import statement_claims, statement_years
from .models import Claim, Expense, ExpenseKind, FinanceOfficer, Offer, PrivateWeeklyLimit, SalariedForTime

# Kept expenses lose the words the person typed; a taxi must still say something (a constraint).
ERASED_TEXT = "(erased)"
KEPT = (Claim.Status.APPROVED, Claim.Status.PAID)


def _when(moment) -> str | None:
    return moment.isoformat() if moment else None


def _expense(expense: Expense) -> dict[str, Any]:
    return {
        "kind": expense.get_kind_display(),
        "description": expense.description,
        "miles": expense.miles,
        "amount_pence": expense.amount_pence,
        "reason": expense.reason,
        "receipt_added": bool(expense.receipt),
        "receipt_type": expense.receipt_content_type,
        "added_at": _when(expense.created_at),
    }


def _claim(claim: Claim) -> dict[str, Any]:
    run = claim.payment_run
    return {
        "reference": claim.pk,
        "status": claim.get_status_display(),
        "fee_pence": claim.fee_pence,
        "donated_pence": claim.donated_pence,
        "expenses_pence": claim.expenses_pence,
        "total_pence": claim.total_pence,
        "created_at": _when(claim.created_at),
        "sent_at": _when(claim.submitted_at),
        "returned_reason": claim.returned_reason,
        "approved_at": _when(claim.approved_at),
        "paid_on": _when(claim.paid_on),
        "payment_reference": run.reference if run is not None and claim.status == Claim.Status.PAID else "",
        "expenses": [_expense(e) for e in claim.expenses.all()],
    }


def export(person) -> dict[str, Any]:
    offers = (
        Offer.objects.filter(person=person)
        .select_related("project", "rate__organisation")
        .order_by("activity_date", "id")
    )
    claims = {
        c.offer_id: c
        for c in Claim.objects.filter(person=person)
        .select_related("payment_run")
        .prefetch_related("expenses")
    }
    limit = PrivateWeeklyLimit.objects.filter(person=person).first()
    statements = []
    for year in sorted(statement_years(person)):
        paid = list(statement_claims(person, year))
        statements.append(
            {
                "tax_year": f"6 April {year} to 5 April {year + 1}",
                "fees_pence": sum(c.fee_pence for c in paid),
                "expenses_pence": sum(c.expenses_pence for c in paid),
                "donated_pence": sum(c.donated_pence for c in paid),
                "total_paid_pence": sum(c.total_pence for c in paid),
            }
        )
    return {
        "offers": [
            {
                "project": o.project.title,
                "paid_by": o.rate.organisation.name,
                "for": o.title,
                "activity_date": o.activity_date.isoformat(),
                "rate": o.rate.name,
                "rate_amount_pence": o.rate_amount_pence,
                "units": o.units,
                "preparation_units": o.preparation_units,
                "amount_offered_pence": o.amount_pence,
                "expenses_covered": o.expenses_covered,
                "offered_at": _when(o.created_at),
                "status": o.get_status_display(),
                "your_choice": o.get_choice_display() if o.choice else None,
                "how_paid": o.get_method_display() if o.method else None,
                "amount_chosen_pence": o.chosen_amount_pence,
                "donation_cause": o.donation_cause,
                "chosen_at": _when(o.chosen_at),
                "took_part_at": _when(o.attended_at),
                "claim": _claim(claims[o.pk]) if o.pk in claims else None,
            }
            for o in offers
        ],
        "private_weekly_limit_pence": limit.weekly_pence if limit else None,
        "statements": statements,
        "finance_team_of": [
            f.organisation.name
            for f in FinanceOfficer.objects.filter(person=person).select_related("organisation")
        ],
    }


def _delete_files(names: list[str]) -> None:
    storage = Expense._meta.get_field("receipt").storage
    for name in names:
        storage.delete(name)


def erase(person, *, acting_user) -> dict[str, int]:
    kept_claims = Claim.objects.filter(person=person, status__in=KEPT)
    kept_expenses = Expense.objects.filter(claim__in=kept_claims)
    removed_claims = Claim.objects.filter(person=person).exclude(status__in=KEPT)
    removed_offers = Offer.objects.filter(person=person).exclude(pk__in=kept_claims.values("offer_id"))

    receipts = list(
        Expense.objects.filter(claim__person=person).exclude(receipt="").values_list("receipt", flat=True)
    )
    expenses_removed, _ = Expense.objects.filter(claim__in=removed_claims).delete()
    claims_removed = removed_claims.count()
    removed_claims.delete()
    offers_removed = removed_offers.count()
    removed_offers.delete()
    cleared = {"description": "", "receipt": "", "receipt_content_type": ""}
    expenses_cleared = kept_expenses.exclude(kind=ExpenseKind.TAXI).update(reason="", **cleared)
    expenses_cleared += kept_expenses.filter(kind=ExpenseKind.TAXI).update(reason=ERASED_TEXT, **cleared)
    kept_claims.exclude(returned_reason="").update(returned_reason="")
    limits, _ = PrivateWeeklyLimit.objects.filter(person=person).delete()
    salaried, _ = SalariedForTime.objects.filter(person=person).delete()
    finance_roles, _ = FinanceOfficer.objects.filter(person=person).delete()

    if receipts:
        transaction.on_commit(lambda: _delete_files(receipts))
    counts = {
        "offers_deleted": offers_removed,
        "claims_deleted": claims_removed,
        "expenses_deleted": expenses_removed,
        "paid_or_approved_claims_kept": kept_claims.count(),
        "kept_expenses_cleared": expenses_cleared,
        "receipt_files_deleted": len(receipts),
        "private_weekly_limit_deleted": limits,
        "salaried_marks_deleted": salaried,
        "finance_roles_deleted": finance_roles,
    }
    return {name: n for name, n in counts.items() if n}  # only what changed goes into the audit row


def before_erasure(person) -> list[str]:
    """Claims that erasure would stop being paid, said before the person decides."""
    waiting = Claim.objects.filter(person=person).exclude(status__in=(*KEPT, Claim.Status.WITHDRAWN)).count()
    if not waiting:
        return []
    return [
        ngettext(
            "You have %(count)d claim for payment that is not approved yet. If you erase your data now, it "
            "will not be paid: nobody would be left to pay. Approved claims are still paid.",
            "You have %(count)d claims for payment that are not approved yet. If you erase your data now, "
            "they will not be paid: nobody would be left to pay. Approved claims are still paid.",
            waiting,
        )
        % {"count": waiting}
    ]


register("recognition", export=export, erase=erase, before_erasure=before_erasure)
