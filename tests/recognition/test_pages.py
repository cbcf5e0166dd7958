"""The payment pages end to end through HTTP: choosing, claiming, approving, exporting, statements."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from coproduce.partnerships.models import Membership
from coproduce.recognition import actions
from coproduce.recognition.models import Claim, Offer

from .conftest import person

pytestmark = pytest.mark.django_db


def test_the_offer_page_shows_what_how_long_how_much_and_when_paid(client, offer, member):
    client.force_login(member)
    page = client.get(f"/payments/offers/{offer.pk}/").content.decode()
    assert "An offer for your time: Listening to carers" in page
    assert "2 × Involvement, per hour" in page
    assert "within 4 weeks of your claim being approved" in page
    assert "Taking a lower amount, donating it, or declining is your right." in page


def test_a_person_picks_a_lower_amount_on_the_offer_page(client, offer, member):
    client.force_login(member)
    response = client.post(
        f"/payments/offers/{offer.pk}/",
        {"choice": "lower", "method": "bank_transfer", "lower_amount": "20.00"},
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.choice, offer.chosen_amount_pence) == ("lower", 2000)
    page = client.get(response["Location"]).content.decode()
    assert "Thank you: your choice is saved. You can change it until your claim is approved." in page


@pytest.mark.parametrize(
    "data,message",
    [
        (
            {"choice": "lower", "method": "voucher", "lower_amount": "12.345"},
            "Enter an amount in pounds and pence, for example 12.50.",
        ),
        ({"choice": "lower", "method": "voucher"}, "Enter the amount you would like."),
        ({"choice": "full"}, "Choose how you would like to be paid."),
        ({}, "Choose what you would like to do."),
    ],
)
def test_a_choice_that_does_not_add_up_is_shown_next_to_its_field(client, offer, member, data, message):
    client.force_login(member)
    response = client.post(f"/payments/offers/{offer.pk}/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "There is a problem" in page
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


def test_the_private_limit_warns_on_the_offer_page_and_is_seen_by_nobody_else(
    client, offer, member, coordinator
):
    client.force_login(member)
    client.post("/payments/my-limit/", {"weekly_limit": "30.00"})
    page = client.get(f"/payments/offers/{offer.pk}/").content.decode()
    assert "your own weekly limit is £30.00" in page
    assert "Taking the full amount would take you past your limit." in page
    response = client.post(f"/payments/offers/{offer.pk}/", {"choice": "full", "method": "voucher"})
    assert "This payment takes you past the weekly limit you set for yourself." in response.content.decode()
    client.force_login(coordinator)
    for path in (f"/payments/project/{offer.project_id}/", "/payments/"):
        assert "£30.00" not in client.get(path).content.decode()


def test_a_person_adds_mileage_and_sends_the_claim_then_sees_where_it_is(
    client, draft_claim, member, coordinator
):
    client.force_login(member)
    response = client.post(f"/payments/claims/{draft_claim.pk}/expenses/", {"kind": "mileage", "miles": "10"})
    assert response.status_code == 302
    page = client.get(f"/payments/claims/{draft_claim.pk}/").content.decode()
    assert "Mileage (10 miles)" in page and "£4.50" in page
    client.post(f"/payments/claims/{draft_claim.pk}/send/")
    assert "Sent: waiting for approval" in client.get("/payments/").content.decode()
    client.force_login(coordinator)
    client.post(f"/payments/claims/{draft_claim.pk}/approve/")
    client.force_login(member)
    assert "Approved — paid within 4 weeks" in client.get("/payments/").content.decode()


def test_an_expense_that_is_refused_keeps_what_was_typed(client, draft_claim, member):
    client.force_login(member)
    response = client.post(
        f"/payments/claims/{draft_claim.pk}/expenses/",
        {"kind": "taxi", "amount": "8.00", "description": "Home"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say why a taxi was needed." in page
    assert 'value="Home"' in page


def test_a_coordinator_returns_a_claim_with_a_reason_the_person_sees(
    client, submitted_claim, coordinator, member
):
    client.force_login(coordinator)
    client.post(f"/payments/claims/{submitted_claim.pk}/return/", {"reason": "Please add the bus ticket."})
    client.force_login(member)
    page = client.get(f"/payments/claims/{submitted_claim.pk}/").content.decode()
    assert "Returned to you: please look at the reason" in page and "Please add the bus ticket." in page


def test_the_project_page_shows_budget_against_spending(client, approved_claim, coordinator, project):
    client.force_login(coordinator)
    page = client.get(f"/payments/project/{project.pk}/").content.decode()
    assert "£5,000.00" in page  # budget
    assert f"£{approved_claim.total_pence // 100}.00" in page


def make_claims(project, organisation, coordinator, finance, n, *, approve=True):
    for i in range(n):
        someone = person(1000 + i + Claim.objects.count() * 10)
        Membership.objects.create(project=project, person=someone)
        offer = actions.do_make_offer(
            project,
            someone,
            kind="task",
            title=f"=HYPERLINK(task {i})",
            activity_date=date(2025, 11, 3),
            units=1,
            acting_user=coordinator,
        )
        actions.do_respond_to_offer(
            offer, choice="full", method="bank_transfer" if i % 2 else "voucher", acting_user=someone
        )
        claim = actions.do_record_attendance(offer, acting_user=coordinator)
        actions.do_submit_claim(claim, acting_user=someone)
        if approve:
            actions.do_approve_claim(claim, acting_user=coordinator)


def test_the_approval_queue_takes_the_same_queries_whatever_its_length(
    client, policy, project, organisation, coordinator, finance
):
    client.force_login(coordinator)
    make_claims(project, organisation, coordinator, finance, 2, approve=False)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/payments/project/{project.pk}/claims/").status_code == 200
    make_claims(project, organisation, coordinator, finance, 8, approve=False)
    with CaptureQueriesContext(connection) as many:
        page = client.get(f"/payments/project/{project.pk}/claims/").content.decode()
    assert "10 claims are waiting, oldest first." in page
    assert len(many) == len(few)


def test_finance_exports_a_run_grouped_by_method_with_formulas_neutralised(
    client, policy, project, organisation, coordinator, finance
):
    make_claims(project, organisation, coordinator, finance, 3)
    client.force_login(finance)
    response = client.post(f"/payments/organisation/{organisation.pk}/runs/new/")
    run_url = response["Location"]
    with CaptureQueriesContext(connection) as few:
        body = client.get(run_url + "export.csv").content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:4] == ["Payment method", "Claim reference", "Person reference", "Name"]
    assert [r[0] for r in rows[1:]] == ["Bank transfer", "Voucher", "Voucher"]
    assert all(r[8].startswith("'=HYPERLINK") for r in rows[1:])
    assert rows[1][12] == "25.00"  # the rate on 3 November 2025, before the rise
    workbook = load_workbook(io.BytesIO(client.get(run_url + "export.xlsx").content))
    assert workbook.sheetnames == ["Summary", "Bank transfer", "Voucher"]
    assert workbook["Voucher"].max_row == 3
    # More claims in a run, same number of queries for the export.
    client.post(run_url + "paid/", {"paid_on": date.today().isoformat(), "reference": "BACS-1"})
    make_claims(project, organisation, coordinator, finance, 9)
    run_url = client.post(f"/payments/organisation/{organisation.pk}/runs/new/")["Location"]
    with CaptureQueriesContext(connection) as many:
        body = client.get(run_url + "export.csv").content.decode()
    assert len(body.splitlines()) == 10
    assert len(many) == len(few)


def test_marking_a_run_paid_shows_the_person_paid_and_their_statement_lists_it(
    client, approved_claim, organisation, finance, member
):
    client.force_login(finance)
    run_url = client.post(f"/payments/organisation/{organisation.pk}/runs/new/")["Location"]
    response = client.post(run_url + "paid/", {"paid_on": "", "reference": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    client.post(run_url + "paid/", {"paid_on": date.today().isoformat(), "reference": "BACS-9"})
    client.force_login(member)
    page = client.get("/payments/").content.decode()
    assert "Paid on " in page
    year = date.today().year if (date.today().month, date.today().day) >= (4, 6) else date.today().year - 1
    response = client.get(f"/payments/statements/{year}.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Statement of payments for your time" in text
    assert "Listening to carers" in text
    assert f"£{approved_claim.total_pence // 100}.00" in text
    # Nobody else's statement ever lists it.
    client.force_login(finance)
    other = client.get(f"/payments/statements/{year}.pdf")
    assert "Listening to carers" not in "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(other.content)).pages
    )
