"""The demo shows every state of an offer and a claim, and the 10% rise from 1 December 2025."""

from __future__ import annotations

import pytest

from coproduce.demo import STEPS, ensure_demo_data
from coproduce.recognition.models import Claim, Offer, PaymentRun, RateAmount

pytestmark = pytest.mark.django_db


def test_the_recognition_step_runs_after_events_and_live():
    assert STEPS.index("coproduce.demo.recognition") > STEPS.index("coproduce.demo.live")


def test_the_demo_shows_every_state(mailoutbox):
    assert ensure_demo_data()
    assert set(Offer.objects.values_list("status", flat=True)) == {"pending", "chosen"}
    assert {"full", "lower", "donate", "decline"} <= set(Offer.objects.values_list("choice", flat=True))
    assert set(Claim.objects.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "returned",
        "approved",
        "paid",
    }
    assert set(PaymentRun.objects.values_list("status", flat=True)) == {"exported", "paid"}
    assert Claim.objects.filter(status="approved", payment_run__isnull=False).exists()
    assert Claim.objects.filter(status="approved", payment_run__isnull=True).exists()
    hourly = RateAmount.objects.filter(rate__name="Involvement, per hour").order_by("effective_from")
    assert [(a.effective_from.isoformat(), a.amount_pence) for a in hourly] == [
        ("2024-04-01", 2500),
        ("2025-12-01", 2750),
    ]
    paid = Offer.objects.filter(title__startswith="Reviewing the crisis leaflet").order_by("activity_date")
    assert [o.rate_amount_pence for o in paid] == [2500, 2750]
    assert not Offer.objects.filter(person__email="nadia@example.org").exists()
