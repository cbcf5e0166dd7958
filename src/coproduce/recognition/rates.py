"""Organisation data in force on a date: rate amounts, the Permitted Work limit, payment settings.

Plain reads of organisation data (no personal data), shared by actions and access.
"""

from __future__ import annotations

from datetime import date

from coproduce.partnerships.models import Organisation

from .models import PaymentSettings, PermittedWorkLimit, Rate, RateAmount


def rate_amount_on(rate: Rate, day: date) -> RateAmount | None:
    """The amount of ``rate`` in force on ``day``: the latest row that started on or before it."""
    return rate.amounts.filter(effective_from__lte=day).order_by("-effective_from").first()


def permitted_work_limit_on(organisation: Organisation, day: date) -> PermittedWorkLimit | None:
    return (
        organisation.permitted_work_limits.filter(effective_from__lte=day).order_by("-effective_from").first()
    )


def settings_for(organisation: Organisation) -> PaymentSettings:
    """The organisation's payment settings; the defaults (unsaved) until someone changes them."""
    found = PaymentSettings.objects.filter(organisation=organisation).first()
    return found or PaymentSettings(organisation=organisation)
