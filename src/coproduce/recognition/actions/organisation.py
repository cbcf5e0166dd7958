"""Organisation data (finance officers, settings, rates, Permitted Work limits) and project policies."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from coproduce.core.audit import record
from coproduce.partnerships.models import Membership, Organisation, Project

from ..errors import RecognitionError
from ..models import (
    ActivityKind,
    ExpenseKind,
    FinanceOfficer,
    PaymentPolicy,
    PaymentSettings,
    PermittedWorkLimit,
    Rate,
    RateAmount,
    SalariedForTime,
)

SETTINGS_FIELDS = (
    "advice_text",
    "receipt_required_above_pence",
    "mileage_pence_per_mile",
    "payment_within_weeks",
)


def do_add_finance_officer(organisation: Organisation, person, *, acting_user) -> FinanceOfficer:
    """Give ``person`` the finance role for ``organisation``. Adding them twice changes nothing."""
    with transaction.atomic():
        officer, created = FinanceOfficer.objects.get_or_create(organisation=organisation, person=person)
        if created:
            record("finance_officer.added", officer, acting_user=acting_user, organisation=organisation.pk)
    return officer


def do_remove_finance_officer(officer: FinanceOfficer, *, acting_user) -> None:
    with transaction.atomic():
        record(
            "finance_officer.removed", officer, acting_user=acting_user, organisation=officer.organisation_id
        )
        officer.delete()


def do_update_payment_settings(organisation: Organisation, *, acting_user, **changes) -> PaymentSettings:
    """Change some of the organisation's payment settings (names from ``SETTINGS_FIELDS``)."""
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not a payment setting: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        settings, _created = PaymentSettings.objects.select_for_update().get_or_create(
            organisation=organisation
        )
        for name, value in changes.items():
            setattr(settings, name, value)
        settings.save()
        record("payment_settings.updated", settings, acting_user=acting_user, fields=sorted(changes))
    return settings


def do_add_rate(
    organisation: Organisation,
    *,
    name: str,
    unit: str,
    amount_pence: int,
    effective_from: date,
    source: str = "",
    preparation_paid: bool = False,
    acting_user,
) -> Rate:
    """Add a named rate to the organisation's rate card with its first amount."""
    name = name.strip()
    if not name:
        raise RecognitionError(_("Give the rate a name."), field="name")
    if unit not in Rate.Unit.values:
        raise RecognitionError(_("Choose what the rate is paid per."), field="unit")
    if amount_pence <= 0:
        raise RecognitionError(_("Enter an amount above £0.00."), field="amount")
    if Rate.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise RecognitionError(_("There is already a rate with this name."), field="name")
    with transaction.atomic():
        rate = Rate.objects.create(
            organisation=organisation,
            name=name,
            unit=unit,
            source=source.strip(),
            preparation_paid=preparation_paid,
        )
        RateAmount.objects.create(rate=rate, amount_pence=amount_pence, effective_from=effective_from)
        record(
            "rate.added",
            rate,
            acting_user=acting_user,
            amount_pence=amount_pence,
            effective_from=effective_from.isoformat(),
        )
    return rate


def do_set_rate_amount(rate: Rate, *, amount_pence: int, effective_from: date, acting_user) -> RateAmount:
    """A new amount for ``rate`` from ``effective_from`` on (replacing one set for that same date).

    Offers already made keep the amount they were made with: they store it.
    """
    if amount_pence <= 0:
        raise RecognitionError(_("Enter an amount above £0.00."), field="amount")
    with transaction.atomic():
        amount, _created = RateAmount.objects.update_or_create(
            rate=rate, effective_from=effective_from, defaults={"amount_pence": amount_pence}
        )
        record(
            "rate.amount_set",
            rate,
            acting_user=acting_user,
            amount_pence=amount_pence,
            effective_from=effective_from.isoformat(),
        )
    return amount


def do_set_permitted_work_limit(
    organisation: Organisation, *, weekly_pence: int, effective_from: date, acting_user
) -> PermittedWorkLimit:
    """The weekly Permitted Work earnings limit from ``effective_from`` on."""
    with transaction.atomic():
        limit, _created = PermittedWorkLimit.objects.update_or_create(
            organisation=organisation, effective_from=effective_from, defaults={"weekly_pence": weekly_pence}
        )
        record(
            "permitted_work_limit.set",
            limit,
            acting_user=acting_user,
            weekly_pence=weekly_pence,
            effective_from=effective_from.isoformat(),
        )
    return limit


def do_set_payment_policy(
    project: Project,
    *,
    organisation: Organisation,
    default_rate: Rate,
    paid_activities: list[str],
    covered_expenses: list[str],
    budget_pence: int,
    second_approval_above_pence: int,
    acting_user,
) -> PaymentPolicy:
    """Create or change the project's payment policy. The paying organisation must be a partner in it."""
    if not project.organisations.filter(pk=organisation.pk).exists():
        raise RecognitionError(
            _("The paying organisation must be one of the project's organisations."), field="organisation"
        )
    if default_rate.organisation_id != organisation.pk:
        raise RecognitionError(
            _("Choose a rate from the paying organisation's rate card."), field="default_rate"
        )
    if set(paid_activities) - set(ActivityKind.values):
        raise RecognitionError(_("Choose activities from the list."), field="paid_activities")
    if set(covered_expenses) - set(ExpenseKind.values):
        raise RecognitionError(_("Choose expenses from the list."), field="covered_expenses")
    with transaction.atomic():
        policy, created = PaymentPolicy.objects.update_or_create(
            project=project,
            defaults={
                "organisation": organisation,
                "default_rate": default_rate,
                "paid_activities": list(dict.fromkeys(paid_activities)),
                "covered_expenses": list(dict.fromkeys(covered_expenses)),
                "budget_pence": budget_pence,
                "second_approval_above_pence": second_approval_above_pence,
            },
        )
        record(
            "payment_policy.created" if created else "payment_policy.updated",
            policy,
            acting_user=acting_user,
            project=project.pk,
        )
    return policy


def do_set_salaried_for_time(project: Project, person, *, salaried: bool, acting_user) -> None:
    """Mark (or unmark) a member as paid a full-time public-sector salary for this time: not eligible."""
    if not Membership.objects.filter(project=project, person=person).exists():
        raise RecognitionError(_("Only members of the project can be marked."))
    with transaction.atomic():
        if salaried:
            try:
                with transaction.atomic():
                    mark = SalariedForTime.objects.create(project=project, person=person)
            except IntegrityError:
                return
            record("payment_eligibility.salaried", mark, acting_user=acting_user, person=person.pk)
        else:
            for mark in SalariedForTime.objects.filter(project=project, person=person):
                record("payment_eligibility.eligible", mark, acting_user=acting_user, person=person.pk)
                mark.delete()
