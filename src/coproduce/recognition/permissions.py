"""Who may see and do what with payments. One policy; amounts and choices are private.

==================================  ========  ===========  ============  ============  ========
may...                              the       project      other roles   finance of    anyone
                                    person    coordinator  in project    paying org    else
==================================  ========  ===========  ============  ============  ========
see their own offers, claims,       yes       --           --            --            --
statements; choose; add expenses
see their private weekly limit      yes       no           no            no            no
set the project's payment policy,   --        yes          no            no            no
make offers, see everyone's
choices, budget against spending
approve or return a claim           no (own)  yes          no            yes (second)  no
see a claim and its receipts        yes       yes          no            yes           no
rates, limits, settings, payment    --        no           no            yes           no
runs, exports, mark paid
==================================  ========  ===========  ============  ============  ========

"Other roles in project" are facilitators, steering group members and members: they never see who
was offered what, who declined or who donated. Finance officers are an organisation role
(:class:`~coproduce.recognition.models.FinanceOfficer`), given by staff. Nobody approves their own
claim, and a claim that needs two approvers needs two different people. Refusals look like "not
found".
"""

from __future__ import annotations

from coproduce.partnerships import permissions as project_rules
from coproduce.partnerships.models import Organisation, Project

from .models import Claim, FinanceOfficer, Offer, PaymentRun


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_finance_officer(user, organisation_id: int | None) -> bool:
    if not _signed_in(user) or organisation_id is None:
        return False
    return FinanceOfficer.objects.filter(organisation_id=organisation_id, person=user).exists()


def can_manage_organisation_payments(user, organisation: Organisation) -> bool:
    """Rates, limits, settings, payment runs, exports: the organisation's finance officers."""
    return is_finance_officer(user, organisation.pk)


def can_add_finance_officer(user, organisation: Organisation) -> bool:
    """Staff give the finance role (finance officers may add colleagues too)."""
    return _signed_in(user) and (bool(user.is_staff) or is_finance_officer(user, organisation.pk))


def can_manage_project_payments(user, project: Project) -> bool:
    """The project's coordinators: its payment policy, offers, choices and budget against spending."""
    return project_rules.policy_for(user, project).is_coordinator


def can_respond_to_offer(user, offer: Offer) -> bool:
    """Only the person offered chooses, privately."""
    return _signed_in(user) and offer.person_id == user.pk


def can_view_offer(user, offer: Offer) -> bool:
    return can_respond_to_offer(user, offer) or can_manage_project_payments(user, offer.project)


def can_edit_claim(user, claim: Claim) -> bool:
    """The person confirms their claim and adds expenses, while it is a draft or returned to them."""
    return _signed_in(user) and claim.person_id == user.pk


def can_review_claim(user, claim: Claim) -> bool:
    """Approve or return: the project's coordinators and the paying organisation's finance officers,
    never for their own claim."""
    if not _signed_in(user) or claim.person_id == user.pk:
        return False
    return can_manage_project_payments(user, claim.project) or is_finance_officer(user, claim.organisation_id)


def can_view_claim(user, claim: Claim) -> bool:
    """The claim, its amounts and receipts: the person, and whoever reviews or pays it."""
    if not _signed_in(user):
        return False
    if claim.person_id == user.pk:
        return True
    return can_manage_project_payments(user, claim.project) or is_finance_officer(user, claim.organisation_id)


def can_view_payment_run(user, run: PaymentRun) -> bool:
    return is_finance_officer(user, run.organisation_id)
