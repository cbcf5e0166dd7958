"""Paying people for their time, in real Chromium: a person accepts an offer on a phone and picks a
lower amount, attends, adds a mileage expense with a receipt photo; a coordinator approves; finance
exports and marks paid; the person downloads their statement. Every page passes axe."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from PIL import Image

from coproduce.events.actions import do_check_in, do_create_event, do_register_for_event
from coproduce.people.models import Person
from coproduce.recognition import actions
from coproduce.recognition.models import ActivityKind, Claim, ExpenseKind

from .conftest import assert_no_axe_violations, sign_in_browser

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def offer(project, organisation, coordinator, member, facilitator):
    rate = actions.do_add_rate(
        organisation,
        name="Involvement, per hour",
        unit="hour",
        amount_pence=2500,
        effective_from=date(2024, 4, 1),
        source="NIHR payment guidance",
        acting_user=None,
    )
    actions.do_set_rate_amount(rate, amount_pence=2750, effective_from=date(2025, 12, 1), acting_user=None)
    actions.do_set_payment_policy(
        project,
        organisation=organisation,
        default_rate=rate,
        paid_activities=list(ActivityKind.values),
        covered_expenses=list(ExpenseKind.values),
        budget_pence=100_000,
        second_approval_above_pence=20_000,
        acting_user=coordinator,
    )
    starts = timezone.now() + timedelta(days=3)
    event = do_create_event(
        project,
        title="Listening to carers",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        acting_user=None,
    )
    return actions.do_make_offer(project, member, kind="event", event=event, units=2, acting_user=coordinator)


@pytest.fixture
def finance(organisation):
    officer = Person.objects.create_user(email="finance@example.org", badge_name="Morgan")
    actions.do_add_finance_officer(organisation, officer, acting_user=None)
    return officer


def receipt_photo(path):
    image = Image.new("RGB", (300, 400), "white")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    image.save(path, format="JPEG", exif=exif)
    return path


def test_a_quarter_of_payments_from_offer_to_statement(
    new_page, live_server, offer, member, coordinator, facilitator, finance, organisation, tmp_path
):
    # The person chooses a lower amount, on a phone.
    phone = new_page(viewport=PHONE)
    sign_in_browser(phone, live_server, member)
    phone.goto(f"{live_server.url}/payments/")
    assert_no_axe_violations(phone, "my payments (phone)")
    phone.get_by_role("link", name="Choose Listening to carers").click()
    assert phone.locator("h1").inner_text() == "An offer for your time: Listening to carers"
    assert_no_axe_violations(phone, "offer page (phone)")
    phone.get_by_label("A lower amount").check()
    phone.get_by_label("Bank transfer").check()
    phone.get_by_label("The amount you would like, in pounds").fill("20.00")
    phone.get_by_role("button", name="Save my choice").click()
    assert phone.get_by_text("Thank you: your choice is saved.").is_visible()
    assert_no_axe_violations(phone, "offer page after choosing (phone)")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing to scroll sideways on a phone

    # They attend: the facilitator checks them in, and a draft claim appears.
    registration, _ = do_register_for_event(
        offer.event, member, access_needs=[], details="", attendance=None, acting_user=member, notify=False
    )
    do_check_in(registration, acting_user=facilitator)
    claim = Claim.objects.get(offer=offer)
    assert (claim.status, claim.fee_pence) == ("draft", 2000)

    # Mileage with a receipt photo, then send.
    phone.goto(f"{live_server.url}/payments/claims/{claim.pk}/")
    assert_no_axe_violations(phone, "draft claim (phone)")
    phone.get_by_label("What is it for?").select_option("mileage")
    phone.get_by_label("Miles travelled (mileage only)").fill("12")
    phone.get_by_label("Receipt").set_input_files(str(receipt_photo(tmp_path / "IMG_0042.jpg")))
    phone.get_by_role("button", name="Add this expense").click()
    assert phone.get_by_text("Your expense is added.").is_visible()
    assert phone.get_by_role("cell", name="£5.40", exact=True).is_visible()
    assert_no_axe_violations(phone, "claim with an expense (phone)")
    phone.get_by_role("button", name="Confirm and send my claim").click()
    assert phone.get_by_text("Sent: waiting for approval").first.is_visible()

    # The coordinator approves from the queue.
    desk = new_page()
    sign_in_browser(desk, live_server, coordinator)
    desk.goto(f"{live_server.url}/payments/project/{offer.project_id}/claims/")
    assert_no_axe_violations(desk, "approval queue")
    desk.get_by_role("link", name=re.compile(r"^Jo\s?: Listening to carers$")).click()
    assert desk.get_by_role("link", name="View receipt Mileage").is_visible()
    assert_no_axe_violations(desk, "claim, for the coordinator")
    desk.get_by_role("button", name="Approve").click()
    assert desk.get_by_text("The claim by Jo is approved.").is_visible()
    desk.goto(f"{live_server.url}/payments/project/{offer.project_id}/")
    assert_no_axe_violations(desk, "project payments")

    # Finance starts a run, exports it and marks it paid.
    money = new_page()
    sign_in_browser(money, live_server, finance)
    money.goto(f"{live_server.url}/payments/organisation/{organisation.pk}/")
    assert_no_axe_violations(money, "finance home")
    money.get_by_role("button", name="Start a payment run with all of them").click()
    assert money.get_by_text("is ready to export").is_visible()
    assert_no_axe_violations(money, "payment run")
    with money.expect_download() as download:
        money.get_by_role("link", name="Download CSV").click()
    exported = open(download.value.path(), encoding="utf-8").read()
    assert "Bank transfer" in exported and "25.40" in exported
    money.get_by_label("Paid on").fill(date.today().isoformat())
    money.get_by_label("Payment reference").fill("BACS-2026-12")
    money.get_by_role("button", name="Mark the run paid").click()
    assert money.get_by_text("is marked paid.").is_visible()

    # The person sees it paid and downloads their statement.
    phone.goto(f"{live_server.url}/payments/")
    assert phone.get_by_text("Paid on ").is_visible()
    assert_no_axe_violations(phone, "my payments once paid (phone)")
    with phone.expect_download() as download:
        phone.get_by_role("link", name="(PDF)").first.click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_benefits_page_and_private_limit_on_a_phone(new_page, live_server, offer, member):
    phone = new_page(viewport=PHONE)
    sign_in_browser(phone, live_server, member)
    phone.goto(f"{live_server.url}/payments/benefits/")
    assert phone.get_by_role("heading", name="Permitted Work").is_visible()
    assert_no_axe_violations(phone, "benefits page (phone)")
    phone.get_by_role("link", name="Set my own weekly limit").click()
    phone.get_by_label("My weekly limit, in pounds").fill("ten pounds")
    phone.get_by_role("button", name="Save my limit").click()
    assert phone.get_by_text("Enter an amount in pounds and pence, for example 12.50.").first.is_visible()
    assert_no_axe_violations(phone, "weekly limit with an error (phone)")
    phone.get_by_label("My weekly limit, in pounds").fill("30")
    phone.get_by_role("button", name="Save my limit").click()
    phone.goto(f"{live_server.url}/payments/offers/{offer.pk}/")
    assert phone.get_by_text("Taking the full amount would take you past your limit.").is_visible()
    phone.get_by_label("The full amount").check()
    phone.get_by_label("Voucher").check()
    phone.get_by_role("button", name="Save my choice").click()
    assert phone.locator("#id_confirm_past_limit-error").is_visible()
    assert_no_axe_violations(phone, "offer past the private limit (phone)")
