"""Who may use which payments page, as a table: role × view → allowed, refused (looks like "not found"),
or asked to sign in.

Columns: the person being paid (``member``), the project's ``coordinator`` and ``facilitator``, the
paying organisation's ``finance`` officer, ``other_member`` of another project, and anonymous.
Amounts and choices are for the person, the coordinators and finance only: never the facilitator.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coproduce.partnerships.models import Membership, Organisation
from coproduce.recognition import actions
from coproduce.recognition.models import Claim, Expense, Offer, PaymentRun

ROLES = ("member", "coordinator", "facilitator", "finance", "other_member", "anonymous")
OK, NOT_FOUND, SIGN_IN = "allowed", "not found", "sign in"
EVERYONE_SIGNED_IN = (OK, OK, OK, OK, OK, SIGN_IN)
PERSON = (OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, SIGN_IN)
COORDINATOR = (NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, SIGN_IN)
FINANCE = (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, SIGN_IN)
CLAIM_READERS = (OK, OK, NOT_FOUND, OK, NOT_FOUND, SIGN_IN)
REVIEWERS = (NOT_FOUND, OK, NOT_FOUND, OK, NOT_FOUND, SIGN_IN)

TABLE = [
    ("my payments", "get", "/payments/", EVERYONE_SIGNED_IN),
    ("benefits page", "get", "/payments/benefits/", EVERYONE_SIGNED_IN),
    ("my weekly limit", "get", "/payments/my-limit/", EVERYONE_SIGNED_IN),
    ("the member's offer", "get", "/payments/offers/{offer}/", PERSON),
    ("choose on the member's offer (post)", "post", "/payments/offers/{offer}/", PERSON),
    ("mark the offer taken part (post)", "post", "/payments/offers/{offer}/taken-part/", COORDINATOR),
    ("withdraw the offer (post)", "post", "/payments/offers/{pending_offer}/withdraw/", COORDINATOR),
    ("the member's claim", "get", "/payments/claims/{claim}/", CLAIM_READERS),
    ("a receipt", "get", "/payments/claims/{claim}/expenses/{expense}/receipt/", CLAIM_READERS),
    ("add an expense (post)", "post", "/payments/claims/{claim}/expenses/", PERSON),
    ("remove an expense (post)", "post", "/payments/claims/{claim}/expenses/{expense}/remove/", PERSON),
    ("send the claim (post)", "post", "/payments/claims/{claim}/send/", PERSON),
    ("approve a sent claim (post)", "post", "/payments/claims/{sent_claim}/approve/", REVIEWERS),
    ("return a sent claim (post)", "post", "/payments/claims/{sent_claim}/return/", REVIEWERS),
    ("my statement", "get", "/payments/statements/2025.pdf", EVERYONE_SIGNED_IN),
    ("project payments", "get", "/payments/project/{project}/", COORDINATOR),
    ("payment policy", "get", "/payments/project/{project}/policy/", COORDINATOR),
    ("make offers", "get", "/payments/project/{project}/offers/new/", COORDINATOR),
    ("approval queue", "get", "/payments/project/{project}/claims/", COORDINATOR),
    ("eligibility (post)", "post", "/payments/project/{project}/eligibility/{member_id}/", COORDINATOR),
    ("finance home", "get", "/payments/organisation/{organisation}/", FINANCE),
    ("add a rate (post)", "post", "/payments/organisation/{organisation}/rates/", FINANCE),
    ("payment settings", "get", "/payments/organisation/{organisation}/settings/", FINANCE),
    ("finance team", "get", "/payments/organisation/{organisation}/finance-team/", FINANCE),
    ("start a run (post)", "post", "/payments/organisation/{organisation}/runs/new/", FINANCE),
    ("a payment run", "get", "/payments/runs/{run}/", FINANCE),
    ("a run as CSV", "get", "/payments/runs/{run}/export.csv", FINANCE),
    ("a run as XLSX", "get", "/payments/runs/{run}/export.xlsx", FINANCE),
    ("mark a run paid (post)", "post", "/payments/runs/{run}/paid/", FINANCE),
]

POST_DATA = {
    "choose on the member's offer (post)": {"choice": "full", "method": "voucher"},
    "add an expense (post)": {"kind": "public_transport", "amount": "3.20"},
    "return a sent claim (post)": {"reason": "Please add the ticket."},
    "add a rate (post)": {
        "name": "Reading, per task",
        "unit": "task",
        "amount": "30",
        "effective_from": "2025-04-01",
    },
    "mark a run paid (post)": {"paid_on": "2025-06-01", "reference": "BACS-7"},
}

CASES = [
    pytest.param(view, method, url, role, expected, id=f"{view} | {role} -> {expected}")
    for view, method, url, expectations in TABLE
    for role, expected in zip(ROLES, expectations, strict=True)
]


@pytest.fixture
def world(draft_claim, project, organisation, member, coordinator, finance, other_member, event, facilitator):
    expense = actions.do_add_expense(
        draft_claim,
        kind="carer",
        amount_pence=3000,
        receipt=SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF"),
        acting_user=member,
    )
    pending = actions.do_make_offer(
        project,
        member,
        kind="task",
        title="Reading papers",
        activity_date=date(2025, 6, 1),
        units=1,
        acting_user=coordinator,
    )
    sent = actions.do_make_offer(
        project,
        facilitator,
        kind="task",
        title="Reading more papers",
        activity_date=date(2025, 6, 2),
        units=1,
        acting_user=coordinator,
    )
    actions.do_respond_to_offer(sent, choice="full", method="voucher", acting_user=facilitator)
    sent_claim = actions.do_record_attendance(sent, acting_user=coordinator)
    actions.do_submit_claim(sent_claim, acting_user=facilitator)
    paid = actions.do_make_offer(
        project,
        facilitator,
        kind="task",
        title="Paid task",
        activity_date=date(2025, 5, 2),
        units=1,
        acting_user=coordinator,
    )
    actions.do_respond_to_offer(paid, choice="full", method="voucher", acting_user=facilitator)
    paid_claim = actions.do_record_attendance(paid, acting_user=coordinator)
    actions.do_submit_claim(paid_claim, acting_user=facilitator)
    actions.do_approve_claim(paid_claim, acting_user=coordinator)
    run = actions.do_create_payment_run(organisation, acting_user=finance)
    return {
        "offer": draft_claim.offer_id,
        "pending_offer": pending.pk,
        "claim": draft_claim.pk,
        "expense": expense.pk,
        "sent_claim": sent_claim.pk,
        "project": project.pk,
        "member_id": member.pk,
        "organisation": organisation.pk,
        "run": run.pk,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("view,method,url,role,expected", CASES)
def test_permission_table(view, method, url, role, expected, world, client, request):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    path = url.format(**world)
    response = client.get(path) if method == "get" else client.post(path, POST_DATA.get(view, {}))
    if expected == OK:
        assert response.status_code in (200, 302), f"{view} refused {role}: {response.status_code}"
        if response.status_code == 302:
            assert not response["Location"].startswith("/sign-in/")
    elif expected == NOT_FOUND:
        assert response.status_code == 404, f"{view} allowed {role}: {response.status_code}"
        assert "Page not found" in response.content.decode()
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["facilitator", "other_member", "finance"])
def test_refused_changes_change_nothing(role, world, client, request):
    client.force_login(request.getfixturevalue(role))
    client.post(f"/payments/offers/{world['offer']}/", {"choice": "decline"})
    client.post(f"/payments/claims/{world['claim']}/expenses/{world['expense']}/remove/")
    client.post(f"/payments/claims/{world['claim']}/send/")
    client.post(f"/payments/offers/{world['pending_offer']}/withdraw/")
    assert Offer.objects.get(pk=world["offer"]).choice == "full"
    assert Expense.objects.filter(pk=world["expense"]).exists()
    assert Claim.objects.get(pk=world["claim"]).status == "draft"
    assert Offer.objects.get(pk=world["pending_offer"]).status == "pending"


@pytest.mark.django_db
def test_the_facilitator_cannot_approve_their_own_claim_even_as_coordinator(
    world, client, facilitator, project
):
    Membership.objects.filter(project=project, person=facilitator).update(role="coordinator")
    client.force_login(facilitator)
    assert client.post(f"/payments/claims/{world['sent_claim']}/approve/").status_code == 404
    assert Claim.objects.get(pk=world["sent_claim"]).status == "submitted"


@pytest.mark.django_db
def test_other_members_and_facilitators_never_see_amounts_or_choices(world, client, facilitator):
    client.force_login(facilitator)
    page = client.get("/payments/").content.decode()
    assert "Listening to carers" not in page and "Jo " not in page
    assert client.get(f"/payments/project/{world['project']}/").status_code == 404


@pytest.mark.django_db
def test_unknown_ids_are_not_found(client, coordinator, finance):
    client.force_login(coordinator)
    for path in ("/payments/offers/999999/", "/payments/claims/999999/", "/payments/project/999999/"):
        assert client.get(path).status_code == 404, path
    client.force_login(finance)
    for path in ("/payments/runs/999999/", "/payments/organisation/999999/", "/payments/runs/1/export.exe"):
        assert client.get(path).status_code == 404, path


@pytest.mark.django_db
def test_a_run_of_another_organisation_is_not_found_for_finance(world, client, finance):
    other = Organisation.objects.create(name="Elsewhere Trust", kind="nhs_trust")
    run = PaymentRun.objects.create(organisation=other)
    client.force_login(finance)
    assert client.get(f"/payments/runs/{run.pk}/").status_code == 404
    assert client.get(f"/payments/organisation/{other.pk}/").status_code == 404
