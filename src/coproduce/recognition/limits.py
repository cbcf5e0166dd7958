"""How a payment sits against a person's own private weekly limit and the Permitted Work limit.

Weeks run Monday to Sunday and hold the activities dated in them. Only the fee paid to the person
counts (not expenses, which repay costs, and not donated amounts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum

from .models import Offer, PermittedWorkLimit, PrivateWeeklyLimit
from .rates import permitted_work_limit_on

TAKEN = (Offer.Choice.FULL, Offer.Choice.LOWER)


def week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


@dataclass(frozen=True)
class WeekPosition:
    week_starts: date
    week_ends: date
    other_payments_pence: int
    this_payment_pence: int
    private_limit_pence: int | None
    permitted_work: PermittedWorkLimit | None

    @property
    def total_pence(self) -> int:
        return self.other_payments_pence + self.this_payment_pence

    @property
    def over_private_limit(self) -> bool:
        return self.private_limit_pence is not None and self.total_pence > self.private_limit_pence

    @property
    def over_permitted_work(self) -> bool:
        return self.permitted_work is not None and self.total_pence > self.permitted_work.weekly_pence


def week_position(offer: Offer, this_payment_pence: int) -> WeekPosition:
    """The week of ``offer``'s activity: what else the person takes that week, and the two limits."""
    starts, ends = week_of(offer.activity_date)
    others = (
        Offer.objects.filter(
            person_id=offer.person_id,
            status=Offer.Status.CHOSEN,
            choice__in=TAKEN,
            activity_date__range=(starts, ends),
        )
        .exclude(pk=offer.pk)
        .aggregate(total=Sum("chosen_amount_pence"))["total"]
        or 0
    )
    private = PrivateWeeklyLimit.objects.filter(person_id=offer.person_id).values_list(
        "weekly_pence", flat=True
    )
    return WeekPosition(
        week_starts=starts,
        week_ends=ends,
        other_payments_pence=others,
        this_payment_pence=this_payment_pence,
        private_limit_pence=private.first(),
        permitted_work=permitted_work_limit_on(offer.rate.organisation, offer.activity_date),
    )
