"""Project and ground rules pages in real Chromium: axe finds nothing, at desktop and phone width."""

from __future__ import annotations

import pytest

from coproduce.partnerships.actions import (
    do_add_member,
    do_agree_to_ground_rules,
    do_publish_ground_rules,
    do_save_ground_rules_draft,
)
from coproduce.partnerships.models import Membership
from coproduce.people.actions import do_set_perspectives
from tests.conftest import make_person

from .conftest import assert_no_axe_violations, sign_in_browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
WIDTHS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]


@pytest.fixture
def rules(project, coordinator, facilitator, member):
    steering = make_person("steering@example.org", "Morgan")
    do_add_member(project, steering, role=Membership.Role.STEERING, acting_user=coordinator)
    first = do_publish_ground_rules(
        project, text="We listen to each other.\nWe challenge ideas, not people.", acting_user=coordinator
    )
    do_agree_to_ground_rules(first, acting_user=member)
    second = do_publish_ground_rules(
        project,
        text="We listen to each other.\nWe challenge ideas, not people.\nAnyone can ask for a pause.",
        summary_of_changes="Anyone can ask for a pause.",
        acting_user=steering,
    )
    do_agree_to_ground_rules(second, acting_user=facilitator)
    do_save_ground_rules_draft(
        project,
        text=second.text + "\nCameras are optional online.",
        based_on_revision=project.ground_rules_draft.revision,
        acting_user=facilitator,
    )
    return second


def assert_fits_the_screen(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", WIDTHS)
def test_project_page_is_accessible(new_page, live_server, project, coordinator, member, rules, viewport):
    do_set_perspectives(member, ["lived_experience", "carer"], acting_user=member)
    page = new_page(viewport=viewport)
    sign_in_browser(page, live_server, coordinator)
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    assert page.locator("h1").inner_text() == "Better discharge together"
    page.get_by_text("What is the ladder of co-production?").click()  # open it so axe checks it too
    assert page.get_by_text("(this project)").is_visible()
    assert page.get_by_role("heading", name="Project perspectives").is_visible()
    assert_fits_the_screen(page)
    assert_no_axe_violations(page, f"project page at {viewport['width']}px")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", WIDTHS)
def test_ground_rules_page_is_accessible(new_page, live_server, project, coordinator, rules, viewport):
    page = new_page(viewport=viewport)
    sign_in_browser(page, live_server, coordinator)
    page.goto(f"{live_server.url}/projects/{project.pk}/ground-rules/")
    assert page.get_by_role("heading", name="Version 2 (current)").is_visible()
    assert page.get_by_role("heading", name="Who has agreed to version 2").is_visible()
    page.get_by_text("Read the draft").click()
    assert page.get_by_text("Cameras are optional online.").is_visible()
    assert_fits_the_screen(page)
    assert_no_axe_violations(page, f"ground rules page at {viewport['width']}px")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
def test_a_member_agrees_on_a_phone(new_page, live_server, project, member, rules, javascript):
    page = new_page(viewport=PHONE, java_script_enabled=javascript)
    sign_in_browser(page, live_server, member)
    page.goto(f"{live_server.url}/projects/{project.pk}/ground-rules/")
    assert page.get_by_text("You agreed to version 1. The ground rules have changed since then.").is_visible()
    page.get_by_role("button", name="I agree to version 2 of the ground rules").click()
    page.get_by_text("You have agreed to these ground rules (version 2).").wait_for()
    assert member.ground_rules_agreements.filter(version=rules).exists()
    assert_fits_the_screen(page)
    if not javascript:
        # axe runs as JavaScript, so audit what this person now sees in a page that allows it.
        page = new_page(viewport=PHONE)
        sign_in_browser(page, live_server, member)
        page.goto(f"{live_server.url}/projects/{project.pk}/ground-rules/")
    assert_no_axe_violations(page, "ground rules page after agreeing")


@pytest.mark.django_db(transaction=True)
def test_members_page_is_accessible_on_a_phone(new_page, live_server, project, coordinator, rules):
    page = new_page(viewport=PHONE)
    sign_in_browser(page, live_server, coordinator)
    page.goto(f"{live_server.url}/projects/{project.pk}/members/")
    jo = page.locator("li.member-list__item", has_text="Jo")
    jo.get_by_label("Role for Jo").select_option("steering")
    jo.get_by_role("button", name="Change role").click()
    page.get_by_text("Jo is now steering group member.").wait_for()
    assert_fits_the_screen(page)
    assert_no_axe_violations(page, "members page")
