"""E-mails telling a person where their payment is: an offer made, a claim returned, approved, paid.

Actions queue these after their transaction commits (``transaction.on_commit``); each is rendered now
and put in the outbox (``core.outbox``) for the background worker to send.

- Only to people who asked to be contacted by e-mail (their profile's contact preference) and whose
  account is active. Everyone else sees the same news on "My payments", as before.
- Subjects name the activity and what happened, never an amount: a subject line shows in
  notification previews and shared inboxes. Amounts are in the body only.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext

from coproduce.core.outbox import queue_email
from coproduce.people.models import Person

from .models import Claim, Offer, PaymentRun
from .rates import settings_for


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _send(person: Person, template: str, subject: str, **context) -> None:
    body = render_to_string(
        f"recognition/email/{template}.txt",
        {"person": person, "my_payments_url": _url("recognition:my_payments"), **context},
    )
    queue_email(to=person.email, subject=subject, body=body)


def send_offer_made(offer: Offer) -> None:
    """Tell the person an offer is waiting for their choice."""
    offer = Offer.objects.select_related("person", "rate__organisation").get(pk=offer.pk)
    if not offer.person.wants_email or offer.status != Offer.Status.PENDING:
        return
    _send(
        offer.person,
        "offer_made",
        gettext("An offer for your time: %(title)s") % {"title": offer.title},
        offer=offer,
        offer_url=_url("recognition:offer", offer.pk),
        within_weeks=settings_for(offer.rate.organisation).payment_within_weeks,
    )


def _claim(claim: Claim) -> Claim:
    return Claim.objects.select_related("person", "offer", "organisation").get(pk=claim.pk)


def send_claim_returned(claim: Claim) -> None:
    """Tell the person their claim was returned, with the reason, so they can put it right."""
    claim = _claim(claim)
    if not claim.person.wants_email:
        return
    _send(
        claim.person,
        "claim_returned",
        gettext("Your claim was returned to you: %(title)s") % {"title": claim.offer.title},
        claim=claim,
        claim_url=_url("recognition:claim", claim.pk),
    )


def send_claim_approved(claim: Claim) -> None:
    """Tell the person their claim is approved and when to expect the money."""
    claim = _claim(claim)
    if not claim.person.wants_email:
        return
    _send(
        claim.person,
        "claim_approved",
        gettext("Your claim is approved: %(title)s") % {"title": claim.offer.title},
        claim=claim,
        claim_url=_url("recognition:claim", claim.pk),
        within_weeks=settings_for(claim.organisation).payment_within_weeks,
    )


def send_run_paid(run: PaymentRun) -> None:
    """Tell each person paid in ``run`` what was paid and for what: one e-mail per person."""
    claims = (
        Claim.objects.filter(payment_run_id=run.pk, status=Claim.Status.PAID)
        .select_related("person", "offer")
        .order_by("person_id", "offer__activity_date", "id")
    )
    by_person: dict[int, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_person[claim.person_id].append(claim)
    for paid in by_person.values():
        person = paid[0].person
        if not person.wants_email:
            continue
        _send(
            person,
            "paid",
            gettext("You have been paid for your time"),
            claims=paid,
            paid_on=paid[0].paid_on,
            total_pence=sum(c.total_pence for c in paid),
        )
