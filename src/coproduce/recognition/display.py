"""Plain words for where a claim is, as the person and the coordinator see it."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Claim, PaymentSettings


def claim_status_text(claim: Claim, settings: PaymentSettings) -> str:
    """E.g. "Approved — paid within 4 weeks", "Paid on 3 March 2026"."""
    if claim.status == Claim.Status.APPROVED:
        weeks = settings.payment_within_weeks
        return ngettext(
            "Approved — paid within %(weeks)s week", "Approved — paid within %(weeks)s weeks", weeks
        ) % {"weeks": weeks}
    if claim.status == Claim.Status.PAID:
        return _("Paid on %(date)s") % {"date": date_format(claim.paid_on, "j F Y")}
    if claim.status == Claim.Status.SUBMITTED and claim.first_approved_by_id:
        return _("Sent: approved once, waiting for a second approver")
    return str(Claim.Status(claim.status).label)
