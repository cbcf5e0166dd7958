"""Payments in "Download my data" and "Erase my data" (``people.data_rights``), end to end through /me/.

Erasure keeps what finance must keep of money already committed (approved and paid claims, against
"Former participant") and removes the rest: receipt files, the private limit, unpaid offers and claims.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coproduce.core.models import AuditEntry
from coproduce.people.models import Person
from coproduce.recognition import access, actions
from coproduce.recognition.models import Claim, Expense, Offer, PaymentRun, PrivateWeeklyLimit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def receipt() -> SimpleUploadedFile:
    return SimpleUploadedFile("Jo Bloggs taxi.pdf", PDF, content_type="application/pdf")


def storage():
    return Expense._meta.get_field("receipt").storage


@pytest.fixture
def payments(draft_claim, project, member, coordinator, finance, organisation):
    """Jo's payments: one claim paid (with a taxi and its receipt), one draft claim with a receipt,
    one offer still waiting for a choice, and a private weekly limit."""
    taxi = actions.do_add_expense(
        draft_claim,
        kind="taxi",
        amount_pence=1500,
        description="Taxi home from the hospital",
        reason="The bus does not run after 6pm",
        receipt=receipt(),
        acting_user=member,
    )
    actions.do_submit_claim(draft_claim, acting_user=member)
    actions.do_approve_claim(draft_claim, acting_user=coordinator, notify=False)
    run = actions.do_create_payment_run(organisation, acting_user=finance)
    actions.do_mark_run_paid(
        run, paid_on=timezone.localdate(), reference="BACS-0412", acting_user=finance, notify=False
    )

    task = actions.do_make_offer(
        project,
        member,
        kind="task",
        title="Reading the leaflet",
        activity_date=timezone.localdate(),
        units=1,
        acting_user=coordinator,
        notify=False,
    )
    actions.do_respond_to_offer(task, choice="full", method="voucher", acting_user=member)
    draft = actions.do_record_attendance(task, acting_user=coordinator)
    carer = actions.do_add_expense(
        draft, kind="carer", amount_pence=3000, receipt=receipt(), acting_user=member
    )
    waiting = actions.do_make_offer(
        project,
        member,
        kind="task",
        title="Reviewing the survey",
        activity_date=timezone.localdate(),
        units=1,
        acting_user=coordinator,
        notify=False,
    )
    actions.do_set_private_limit(member, weekly_pence=12000, acting_user=member)
    return {
        "paid": Claim.objects.get(pk=draft_claim.pk),
        "taxi": taxi,
        "draft": draft,
        "carer": carer,
        "waiting": waiting,
        "run": run,
    }


def download(client) -> dict:
    response = client.get("/me/data.json")
    assert response.status_code == 200
    return json.loads(response.content)["recognition"]


def test_my_download_holds_my_offers_choices_claims_expenses_payments_and_limit(client, payments, member):
    client.force_login(member)
    data = download(client)
    assert data["private_weekly_limit_pence"] == 12000
    by_title = {o["for"]: o for o in data["offers"]}
    assert set(by_title) == {"Listening to carers", "Reading the leaflet", "Reviewing the survey"}

    paid = by_title["Listening to carers"]
    assert paid["your_choice"] == "The full amount"
    assert paid["how_paid"] == "Bank transfer"
    assert paid["amount_offered_pence"] == 5500
    claim = paid["claim"]
    assert claim["status"] == "Paid"
    assert (claim["fee_pence"], claim["expenses_pence"], claim["total_pence"]) == (5500, 1500, 7000)
    assert claim["paid_on"] == timezone.localdate().isoformat()
    assert claim["payment_reference"] == "BACS-0412"
    [taxi] = claim["expenses"]
    assert taxi["kind"] == "Taxi"
    assert taxi["description"] == "Taxi home from the hospital"
    assert taxi["reason"] == "The bus does not run after 6pm"
    assert taxi["amount_pence"] == 1500
    assert (taxi["receipt_added"], taxi["receipt_type"]) == (True, "application/pdf")

    assert by_title["Reading the leaflet"]["claim"]["status"] == "Draft: please check it and send it"
    assert by_title["Reviewing the survey"]["status"] == "Waiting for your choice"
    assert by_title["Reviewing the survey"]["claim"] is None

    year = access.tax_year_of(timezone.localdate())
    assert data["statements"] == [
        {
            "tax_year": f"6 April {year} to 5 April {year + 1}",
            "fees_pence": 5500,
            "expenses_pence": 1500,
            "donated_pence": 0,
            "total_paid_pence": 7000,
        }
    ]
    # Receipt files are opened on the claim's page, never copied into the download.
    assert "PDF-1.4" not in json.dumps(data) and "JVBERi" not in json.dumps(data)


def test_someone_elses_download_holds_nothing_of_my_payments(client, payments, outsider, coordinator):
    client.force_login(outsider)
    assert download(client) == {
        "offers": [],
        "private_weekly_limit_pence": None,
        "statements": [],
        "finance_team_of": [],
    }
    client.force_login(coordinator)  # who made the offers and approved the claim
    assert download(client)["offers"] == []


def test_erasure_removes_receipts_and_private_data_and_keeps_what_was_paid(
    client, payments, member, django_capture_on_commit_callbacks
):
    paid, run = payments["paid"], payments["run"]
    receipt_files = [payments["taxi"].receipt.name, payments["carer"].receipt.name]
    assert all(storage().exists(name) for name in receipt_files)
    year = access.tax_year_of(timezone.localdate())

    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/me/erase/", {"confirm": "on"})
    assert response.status_code == 302

    # Removed: every receipt file, the private limit, the unpaid offers and the draft claim.
    assert not any(storage().exists(name) for name in receipt_files)
    assert not PrivateWeeklyLimit.objects.filter(person=member).exists()
    assert not Offer.objects.filter(pk__in=[payments["waiting"].pk, payments["draft"].offer_id]).exists()
    assert not Claim.objects.filter(pk=payments["draft"].pk).exists()
    assert not Expense.objects.filter(pk=payments["carer"].pk).exists()

    # Kept: the paid claim, its amounts, date and reference, now belonging to "Former participant".
    kept = Claim.objects.select_related("person", "offer", "payment_run").get(pk=paid.pk)
    assert kept.person.badge_name == "Former participant"
    assert kept.person.email.endswith("@erased.invalid")
    assert (kept.status, kept.fee_pence, kept.expenses_pence, kept.total_pence) == ("paid", 5500, 1500, 7000)
    assert kept.paid_on == timezone.localdate()
    assert kept.payment_run.reference == "BACS-0412"
    assert kept.offer.title == "Listening to carers"
    taxi = Expense.objects.get(pk=payments["taxi"].pk)
    assert (taxi.amount_pence, taxi.kind) == (1500, "taxi")
    assert (taxi.description, taxi.reason, taxi.receipt.name) == ("", "(erased)", "")
    # The finance totals have not moved.
    assert PaymentRun.objects.get(pk=run.pk).total_pence == 7000
    assert sum(c.total_pence for c in access.statement_claims(kept.person, year)) == 7000

    entry = AuditEntry.objects.get(action="person.erased")
    assert {k: v for k, v in entry.details.items() if k.startswith("recognition.")} == {
        "recognition.offers_deleted": 2,
        "recognition.claims_deleted": 1,
        "recognition.expenses_deleted": 1,
        "recognition.paid_or_approved_claims_kept": 1,
        "recognition.kept_expenses_cleared": 1,
        "recognition.receipt_files_deleted": 2,
        "recognition.private_weekly_limit_deleted": 1,
    }
    # The erased person's own download (were it reachable) would show only what finance keeps.
    erased = Person.objects.get(pk=member.pk)
    assert [o.title for o in Offer.objects.filter(person=erased)] == ["Listening to carers"]


def test_an_approved_claim_not_yet_paid_is_kept_for_payment(
    client, approved_claim, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/me/erase/", {"confirm": "on"})
    kept = Claim.objects.get(pk=approved_claim.pk)
    assert (kept.status, kept.total_pence) == ("approved", 5500)


def test_someone_else_erasing_themselves_leaves_my_payments_alone(
    client, payments, member, outsider, coordinator, django_capture_on_commit_callbacks
):
    receipt_files = [payments["taxi"].receipt.name, payments["carer"].receipt.name]
    for who in (outsider, coordinator):
        client.force_login(who)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post("/me/erase/", {"confirm": "on"}).status_code == 302
    assert all(storage().exists(name) for name in receipt_files)
    assert PrivateWeeklyLimit.objects.get(person=member).weekly_pence == 12000
    assert Offer.objects.filter(person=member).count() == 3
    assert Expense.objects.get(pk=payments["taxi"].pk).description == "Taxi home from the hospital"
    # The coordinator who approved the claim is erased; the claim's approval still stands.
    assert Claim.objects.get(pk=payments["paid"].pk).first_approved_by.badge_name == "Former participant"


def test_a_finance_officer_is_taken_off_the_finance_team_on_erasure(client, finance, organisation):
    client.force_login(finance)
    assert download(client)["finance_team_of"] == [organisation.name]
    client.post("/me/erase/", {"confirm": "on"})
    assert not organisation.finance_officers.exists()


def test_a_past_tax_year_is_its_own_statement(client, payments, member):
    Claim.objects.filter(pk=payments["paid"].pk).update(paid_on=date(2024, 5, 1))
    client.force_login(member)
    assert [s["tax_year"] for s in download(client)["statements"]] == ["6 April 2024 to 5 April 2025"]


def test_the_erase_page_says_which_claims_would_not_be_paid(client, payments, member):
    client.force_login(member)
    page = client.get("/me/erase/").content.decode()
    assert "You have 1 claim for payment that is not approved yet." in page
    assert "it will not be paid" in page


def test_the_erase_page_warns_of_nothing_when_every_claim_is_approved(client, approved_claim, member):
    client.force_login(member)
    page = client.get("/me/erase/").content.decode()
    assert "not approved yet" not in page
    assert "Before you erase" not in page
