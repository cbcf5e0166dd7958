"""Reads with permission applied. Payments a person may not see do not exist for them (404).

The lists coordinators and finance use (the approval queue, claims waiting for a run, a run's export)
take a fixed number of queries whatever their size: see tests/recognition/test_pages.py and
bench/payment_run.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from coproduce.events.models import Event
from coproduce.live.models import LiveSession
from coproduce.partnerships.models import Membership, Organisation, Project
from coproduce.people.models import Person

from . import permissions
from .exports import EXPORT_FIELDS
from .models import (
    Claim,
    Expense,
    FinanceOfficer,
    Offer,
    PaymentPolicy,
    PaymentRun,
    PermittedWorkLimit,
    PrivateWeeklyLimit,
    Rate,
    SalariedForTime,
)
from .rates import settings_for

NOT_FOUND = "Not found."


def _get(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


# ----------------------------------------------------------------------------- one thing by id


def access_own_offer_by_id(user, offer_id) -> Offer:
    """The person's own offer (only they choose); anybody else's is "not found"."""
    offer = _get(Offer.objects.select_related("project", "rate__organisation", "person"), offer_id)
    if not permissions.can_respond_to_offer(user, offer):
        raise Http404(NOT_FOUND)
    return offer


def access_managed_offer_by_id(user, offer_id) -> Offer:
    """An offer in a project the user coordinates."""
    offer = _get(Offer.objects.select_related("project", "person"), offer_id)
    if not permissions.can_manage_project_payments(user, offer.project):
        raise Http404(NOT_FOUND)
    return offer


def access_claim_by_id(user, claim_id) -> Claim:
    """The claim if the user is its person, a coordinator of its project or finance of its payer."""
    claim = _get(
        Claim.objects.select_related("offer", "project", "person", "organisation", "payment_run"), claim_id
    )
    if not permissions.can_view_claim(user, claim):
        raise Http404(NOT_FOUND)
    return claim


def access_expense_by_id(claim: Claim, expense_id) -> Expense:
    """An expense of a claim the user may already see."""
    return _get(Expense.objects.filter(claim=claim), expense_id)


def access_payments_project_by_id(user, project_id) -> Project:
    """A project whose payments the user coordinates."""
    project = _get(Project.objects.all(), project_id)
    if not permissions.can_manage_project_payments(user, project):
        raise Http404(NOT_FOUND)
    return project


def access_finance_organisation_by_id(user, organisation_id) -> Organisation:
    """An organisation whose finance the user runs."""
    organisation = _get(Organisation.objects.all(), organisation_id)
    if not permissions.can_manage_organisation_payments(user, organisation):
        raise Http404(NOT_FOUND)
    return organisation


def access_organisation_for_finance_role_by_id(user, organisation_id) -> Organisation:
    organisation = _get(Organisation.objects.all(), organisation_id)
    if not permissions.can_add_finance_officer(user, organisation):
        raise Http404(NOT_FOUND)
    return organisation


def project_member_by_person_id(project: Project, person_id) -> Membership:
    """A member of a project whose payments the user coordinates (checked before)."""
    try:
        return Membership.objects.select_related("person").get(project=project, person_id=person_id)
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def person_by_email(email: str) -> Person | None:
    """Someone already using Coproduce, for giving the finance role (checked before)."""
    return Person.objects.filter(email__iexact=email.strip()).first()


def access_payment_run_by_id(user, run_id) -> PaymentRun:
    run = _get(PaymentRun.objects.select_related("organisation", "created_by", "paid_by"), run_id)
    if not permissions.can_view_payment_run(user, run):
        raise Http404(NOT_FOUND)
    return run


# ------------------------------------------------------------------------------ the person


@dataclass
class MyPayments:
    waiting_for_choice: list[Offer] = field(default_factory=list)
    chosen: list[Offer] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    finance_organisations: list[Organisation] = field(default_factory=list)
    coordinated_projects: list[Project] = field(default_factory=list)


def my_payments(user) -> MyPayments:
    """The person's own offers and claims, and the payment pages their roles open to them."""
    mine = MyPayments()
    offers = (
        Offer.objects.filter(person=user)
        .exclude(status=Offer.Status.WITHDRAWN)
        .select_related("project", "claim")
        .order_by("-activity_date", "-id")
    )
    for offer in offers:
        (mine.waiting_for_choice if offer.status == Offer.Status.PENDING else mine.chosen).append(offer)
    mine.claims = list(
        Claim.objects.filter(person=user)
        .exclude(status=Claim.Status.WITHDRAWN)
        .select_related("offer", "organisation")
        .order_by("-created_at", "-id")
    )
    mine.finance_organisations = list(
        Organisation.objects.filter(finance_officers__person=user).order_by("name")
    )
    mine.coordinated_projects = list(
        Project.objects.filter(
            memberships__person=user, memberships__role=Membership.Role.COORDINATOR
        ).order_by("title")
    )
    return mine


def private_limit(user) -> int | None:
    """The person's own weekly limit. Call only for the person themselves."""
    return PrivateWeeklyLimit.objects.filter(person=user).values_list("weekly_pence", flat=True).first()


def advice_for(user) -> list[tuple[Organisation, str]]:
    """Free advice each organisation paying for the person's projects points to (the setting's text)."""
    organisations = Organisation.objects.filter(
        Q(payment_policies__project__memberships__person=user) | Q(payment_claims__person=user)
    ).distinct()
    return [(o, settings_for(o).advice_text) for o in organisations if settings_for(o).advice_text]


def permitted_work_limits_for(user) -> list[PermittedWorkLimit]:
    """The Permitted Work limits in the data of organisations paying for the person's projects."""
    return list(
        PermittedWorkLimit.objects.filter(organisation__payment_policies__project__memberships__person=user)
        .select_related("organisation")
        .distinct()
        .order_by("organisation__name", "-effective_from")
    )


# ------------------------------------------------------------------------------ coordinators


def payment_policy(project: Project) -> PaymentPolicy | None:
    return (
        PaymentPolicy.objects.select_related("organisation", "default_rate").filter(project=project).first()
    )


def project_offers(project: Project) -> QuerySet[Offer]:
    """Every offer in the project with its person and claim: coordinators only (choices are private)."""
    return (
        Offer.objects.filter(project=project)
        .select_related("person", "claim")
        .order_by("-activity_date", "person__badge_name", "id")
    )


def approval_queue(project: Project) -> QuerySet[Claim]:
    """Claims sent and waiting for approval, oldest first, with what a reviewer needs on the list."""
    return (
        Claim.objects.filter(project=project, status=Claim.Status.SUBMITTED)
        .select_related("person", "offer", "first_approved_by")
        .annotate(expense_count=Count("expenses"))
        .order_by("submitted_at", "id")
    )


@dataclass(frozen=True)
class Budget:
    budget_pence: int
    approved_pence: int
    paid_pence: int
    waiting_pence: int

    @property
    def spent_or_committed_pence(self) -> int:
        return self.approved_pence + self.paid_pence

    @property
    def left_pence(self) -> int:
        return self.budget_pence - self.spent_or_committed_pence


def budget_for(project: Project, policy: PaymentPolicy | None) -> Budget:
    """Budget against spending: paid, approved (to be paid) and waiting for approval, donations included."""
    totals = Claim.objects.filter(project=project).aggregate(
        paid=Sum("total_pence", filter=Q(status=Claim.Status.PAID)),
        paid_donated=Sum("donated_pence", filter=Q(status=Claim.Status.PAID)),
        approved=Sum("total_pence", filter=Q(status=Claim.Status.APPROVED)),
        approved_donated=Sum("donated_pence", filter=Q(status=Claim.Status.APPROVED)),
        waiting=Sum("total_pence", filter=Q(status=Claim.Status.SUBMITTED)),
        waiting_donated=Sum("donated_pence", filter=Q(status=Claim.Status.SUBMITTED)),
    )
    value = {key: amount or 0 for key, amount in totals.items()}
    return Budget(
        budget_pence=policy.budget_pence if policy else 0,
        approved_pence=value["approved"] + value["approved_donated"],
        paid_pence=value["paid"] + value["paid_donated"],
        waiting_pence=value["waiting"] + value["waiting_donated"],
    )


def eligible_members(project: Project) -> QuerySet[Membership]:
    """Members who may be offered payment (not marked as salaried for this time), by badge name."""
    salaried = SalariedForTime.objects.filter(project=project).values("person_id")
    return (
        Membership.objects.filter(project=project)
        .exclude(person_id__in=salaried)
        .select_related("person")
        .order_by("person__badge_name", "id")
    )


def members_with_eligibility(project: Project) -> list[tuple[Membership, bool]]:
    salaried = set(SalariedForTime.objects.filter(project=project).values_list("person_id", flat=True))
    members = (
        Membership.objects.filter(project=project).select_related("person").order_by("person__badge_name")
    )
    return [(m, m.person_id in salaried) for m in members]


def project_events(project: Project) -> QuerySet[Event]:
    return Event.objects.filter(project=project).order_by("-starts_at")


def project_live_sessions(project: Project) -> QuerySet[LiveSession]:
    return (
        LiveSession.objects.filter(event__project=project)
        .select_related("event")
        .order_by("-event__starts_at")
    )


def paying_organisations(project: Project) -> QuerySet[Organisation]:
    return project.organisations.order_by("name")


def rates_of(organisations) -> QuerySet[Rate]:
    return Rate.objects.filter(organisation__in=organisations).select_related("organisation").order_by("name")


# ---------------------------------------------------------------------------------- finance


def rate_card(organisation: Organisation) -> QuerySet[Rate]:
    return Rate.objects.filter(organisation=organisation).prefetch_related("amounts").order_by("name")


def permitted_work_limits(organisation: Organisation) -> QuerySet[PermittedWorkLimit]:
    return organisation.permitted_work_limits.order_by("-effective_from")


def finance_officers(organisation: Organisation) -> QuerySet[FinanceOfficer]:
    return (
        FinanceOfficer.objects.filter(organisation=organisation)
        .select_related("person")
        .order_by("person__badge_name")
    )


@dataclass(frozen=True)
class Waiting:
    count: int
    total_pence: int


def waiting_for_run(organisation: Organisation) -> Waiting:
    """Approved claims the organisation pays that are not in a run yet: how many and how much."""
    totals = Claim.objects.filter(
        organisation=organisation, status=Claim.Status.APPROVED, payment_run__isnull=True
    ).aggregate(count=Count("id"), total=Sum("total_pence"), donated=Sum("donated_pence"))
    return Waiting(totals["count"], (totals["total"] or 0) + (totals["donated"] or 0))


def payment_runs(organisation: Organisation) -> QuerySet[PaymentRun]:
    return PaymentRun.objects.filter(organisation=organisation).order_by("-created_at", "-id")


def run_export_rows(run: PaymentRun):
    """The run's claims as plain rows (dicts of ``exports.EXPORT_FIELDS``) for the export, in one query.

    Rows, not model instances: building 10,000 claims with their people, offers and projects as
    objects would take seconds on its own.
    """
    return (
        Claim.objects.filter(payment_run=run)
        .order_by("offer__method", "person__badge_name", "id")
        .values(*EXPORT_FIELDS)
    )


# -------------------------------------------------------------------------------- statements


def tax_year_of(day: date) -> int:
    """The UK tax year a day falls in, named by the year it starts (6 April)."""
    return day.year if (day.month, day.day) >= (4, 6) else day.year - 1


def statement_claims(person, tax_year: int) -> QuerySet[Claim]:
    """The person's claims paid in the tax year starting 6 April ``tax_year``, in date order."""
    return (
        Claim.objects.filter(
            person=person,
            status=Claim.Status.PAID,
            paid_on__gte=date(tax_year, 4, 6),
            paid_on__lt=date(tax_year + 1, 4, 6),
        )
        .select_related("offer", "project", "organisation")
        .order_by("paid_on", "id")
    )


def statement_years(person) -> list[int]:
    """Tax years in which the person was paid anything, newest first."""
    days = Claim.objects.filter(person=person, status=Claim.Status.PAID).values_list("paid_on", flat=True)
    return sorted({tax_year_of(day) for day in days}, reverse=True)
