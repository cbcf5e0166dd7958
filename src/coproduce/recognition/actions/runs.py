"""Payment runs: finance gathers approved claims into one run, exports it, then marks it paid.

A claim can never be in two runs or be paid twice, even when two finance officers act at the same
moment: creating a run locks the approved claims it takes (``SELECT ... FOR UPDATE``), so a second
run started at the same moment waits, then finds them taken; marking paid locks the run's row, so
the second attempt finds it already paid. The run's count and total are worked out from the rows it
locked, so they always match what the export lists.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core.audit import record
from coproduce.core.models import AuditEntry
from coproduce.partnerships.models import Organisation

from .. import emails
from ..errors import RecognitionError
from ..models import Claim, PaymentRun

CHUNK = 500  # ids per UPDATE, well inside every database's limit on query parameters


def _claims_waiting(organisation: Organisation):
    return Claim.objects.filter(
        organisation=organisation, status=Claim.Status.APPROVED, payment_run__isnull=True
    )


def _lock_waiting_claims(organisation: Organisation, claim_ids: list[int] | None) -> list[tuple[int, int]]:
    """(id, total) of the approved claims not yet in a run, locked until the transaction ends."""
    claims = _claims_waiting(organisation).select_for_update()
    if claim_ids is not None:
        claims = claims.filter(pk__in=claim_ids)
    return list(claims.order_by("pk").values_list("pk", "total_pence"))


def _audit_each(action: str, claim_ids: list[int], acting_user, **details) -> None:
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                acting_user=user,
                action=action,
                subject_type="recognition.claim",
                subject_id=str(pk),
                details=details,
            )
            for pk in claim_ids
        ],
        batch_size=1000,
    )


def do_create_payment_run(
    organisation: Organisation, *, acting_user, claim_ids: list[int] | None = None
) -> PaymentRun:
    """Put every approved claim of ``organisation`` not yet in a run (or those of ``claim_ids``) into a
    new run. Raises RecognitionError when there is none."""
    with transaction.atomic():
        locked = _lock_waiting_claims(organisation, claim_ids)
        if not locked:
            raise RecognitionError(_("There are no approved claims waiting for a payment run."))
        ids = [pk for pk, _total in locked]
        run = PaymentRun.objects.create(
            organisation=organisation,
            created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            claim_count=len(ids),
            total_pence=sum(total for _pk, total in locked),
        )
        for start in range(0, len(ids), CHUNK):
            Claim.objects.filter(pk__in=ids[start : start + CHUNK]).update(payment_run=run)
        record(
            "payment_run.created",
            run,
            acting_user=acting_user,
            claims=run.claim_count,
            total_pence=run.total_pence,
        )
        _audit_each("claim.added_to_run", ids, acting_user, run=run.pk)
    return run


def do_mark_run_paid(
    run: PaymentRun, *, paid_on: date, reference: str, acting_user, notify: bool = True
) -> PaymentRun:
    """Mark every claim in the run paid on ``paid_on`` with the bank's ``reference``. Once only.

    With ``notify`` each person paid is e-mailed once (if they want e-mail) after commit.
    """
    reference = reference.strip()
    if not reference:
        raise RecognitionError(
            _("Enter the payment reference from the bank or finance system."), field="reference"
        )
    if paid_on > timezone.localdate():
        raise RecognitionError(_("The payment date cannot be in the future."), field="paid_on")
    with transaction.atomic():
        current = PaymentRun.objects.select_for_update().get(pk=run.pk)
        if current.status == PaymentRun.Status.PAID:
            raise RecognitionError(_("This payment run has already been marked paid."))
        ids = list(Claim.objects.filter(payment_run=current).order_by("pk").values_list("pk", flat=True))
        Claim.objects.filter(payment_run=current, status=Claim.Status.APPROVED).update(
            status=Claim.Status.PAID, paid_on=paid_on
        )
        current.status = PaymentRun.Status.PAID
        current.paid_on = paid_on
        current.reference = reference
        current.paid_by = acting_user
        current.save(update_fields=["status", "paid_on", "reference", "paid_by"])
        record(
            "payment_run.paid", current, acting_user=acting_user, claims=len(ids), paid_on=paid_on.isoformat()
        )
        _audit_each("claim.paid", ids, acting_user, run=current.pk, paid_on=paid_on.isoformat())
        if notify:
            transaction.on_commit(lambda: emails.send_run_paid(current))
    for name in ("status", "paid_on", "reference", "paid_by_id"):
        setattr(run, name, getattr(current, name))
    return run
