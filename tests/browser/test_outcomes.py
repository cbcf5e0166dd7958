"""Outcomes in real Chromium: an action page with its timeline, creating and updating an action without
JavaScript, the public "You said, we did" page, and feedback (answering on a phone, the results chart).
Every page visited passes an axe audit with zero violations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from coproduce.events.actions import do_create_event
from coproduce.outcomes.actions import (
    do_create_action,
    do_create_feedback_form,
    do_set_public_page,
    do_submit_feedback,
    do_update_action,
)
from coproduce.sensemaking.actions.themes import (
    do_attach_quote,
    do_create_theme,
    do_deidentify_quote,
    do_sign_off_quote,
)
from coproduce.sensemaking.models import Audience, ConsentUse
from tests.sensemaking.conftest import add_text_source, span_of

from .conftest import assert_no_axe_violations, sign_in_browser
from .test_events import audit_without_javascript

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def action(project, coordinator, member):
    source = add_text_source(
        project,
        coordinator,
        text="Jo: Nobody told me when I could go home, so my son waited all day in the car park.\n",
        title="Listening session",
        narrator_person=member,
        use=ConsentUse.PSEUDONYM,
        audiences=(Audience.TEAM, Audience.PARTNERS, Audience.PUBLIC),
        pseudonym="J",
    )
    theme = do_create_theme(
        project, name="Knowing when you go home", audience=Audience.PUBLIC, acting_user=coordinator
    )
    start, end = span_of(source, "Nobody told me when I could go home")
    quote = do_attach_quote(theme, source, start=start, end=end, acting_user=coordinator)
    do_sign_off_quote(do_deidentify_quote(quote, acting_user=coordinator), acting_user=coordinator)
    action = do_create_action(
        project,
        title="Discharge letters give the day and time",
        you_said="You said you were not told when you would go home.",
        links=[("quote", quote.pk)],
        is_public=True,
        acting_user=coordinator,
    )
    do_update_action(
        action,
        status="in_progress",
        progress=40,
        note="Ward 3 is trying the new letter.",
        acting_user=coordinator,
    )
    do_set_public_page(project, is_published=True, acting_user=coordinator)
    return action


def test_action_page_with_its_timeline(page, live_server, coordinator, action):
    sign_in_browser(page, live_server, coordinator)
    page.goto(f"{live_server.url}/outcomes/actions/{action.pk}/")
    assert page.locator("h1").inner_text() == "Discharge letters give the day and time"
    assert "Ward 3 is trying the new letter." in page.locator(".timeline").inner_text()
    assert "1 person is told by e-mail and on their home page." in page.content()
    assert_no_axe_violations(page, "action page")


def test_public_page_on_a_phone(new_page, live_server, action):
    page = new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/outcomes/you-said-we-did/{action.project_id}/")
    assert "You said you were not told when you would go home." in page.content()
    assert page.locator("figcaption").inner_text() == "J"
    assert_no_axe_violations(page, "public you said, we did page")


def test_create_and_update_an_action_without_javascript(new_page, live_server, coordinator, project, action):
    page = new_page(java_script_enabled=False)
    auditor = new_page()
    sign_in_browser(page, live_server, coordinator)
    sign_in_browser(auditor, live_server, coordinator)
    page.goto(f"{live_server.url}/outcomes/project/{project.pk}/new/")
    audit_without_javascript(page, auditor, "create action form (no JavaScript)")
    page.get_by_role("button", name="Create the action").click()
    assert page.locator(".error-summary").is_visible()
    audit_without_javascript(page, auditor, "create action form with errors (no JavaScript)")

    page.get_by_label("You said (what people said, in your words)").fill(
        "You said the taxi left without you."
    )
    page.get_by_label("We will (what will be done)").fill("Taxis wait until medicines are ready")
    page.get_by_label("Agreed").check()
    page.get_by_role("button", name="Create the action").click()
    assert page.locator("h1").inner_text() == "Taxis wait until medicines are ready"

    page.get_by_role("link", name="Update this action").click()
    page.get_by_label("Not doing").check()
    page.get_by_role("button", name="Save the update").click()
    assert "Give the reason it will not be done" in page.locator("#id_status_reason-error").inner_text()
    audit_without_javascript(page, auditor, "update form with an error (no JavaScript)")
    page.get_by_label("Reason").fill("The taxi firm's contract ends in March; the new one includes waiting.")
    page.get_by_role("button", name="Save the update").click()
    assert "Not doing" in page.locator(".summary").inner_text()


def test_feedback_on_a_phone_and_its_results_chart(
    new_page, live_server, project, coordinator, member, facilitator
):
    start = timezone.now() - timedelta(days=1)
    event = do_create_event(
        project,
        title="Listening to carers",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        acting_user=None,
    )
    form = do_create_feedback_form(event, title="How was Listening to carers?", acting_user=coordinator)
    overall = form.questions.get(library_key="overall")
    do_submit_feedback(form, facilitator, answers={overall.pk: "4"}, acting_user=facilitator)

    page = new_page(viewport=PHONE)
    sign_in_browser(page, live_server, member)
    page.goto(f"{live_server.url}/outcomes/feedback/{form.pk}/respond/")
    assert_no_axe_violations(page, "feedback form on a phone")
    page.get_by_label("5 – Very good").check()
    page.get_by_label("What were the best things about it?").fill("Being listened to.")
    page.get_by_role("button", name="Send my feedback").click()
    assert page.locator("h1").inner_text() == "Thank you"

    results = new_page()
    sign_in_browser(results, live_server, coordinator)
    results.goto(f"{live_server.url}/outcomes/feedback/{form.pk}/results/")
    assert results.get_by_role("img", name="How was it overall?").is_visible()
    assert results.get_by_role("table", name="Answers to “How was it overall?”").is_visible()
    assert_no_axe_violations(results, "feedback results")


def test_impact_report(page, live_server, coordinator, project, action):
    sign_in_browser(page, live_server, coordinator)
    page.goto(f"{live_server.url}/outcomes/project/{project.pk}/impact/")
    assert page.get_by_role(
        "img", name="People taking part, by the perspective they chose to declare"
    ).is_visible()
    assert "fewer than 5" in page.content()
    assert_no_axe_violations(page, "impact report")


def test_easy_read_form_on_a_phone_without_javascript(new_page, live_server, project, coordinator, member):
    start = timezone.now() - timedelta(days=1)
    event = do_create_event(
        project,
        title="Listening to carers",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        acting_user=None,
    )
    form = do_create_feedback_form(
        event, title="How was it?", library_keys=["overall", "best_aspects"], acting_user=coordinator
    )
    page = new_page(viewport=PHONE, java_script_enabled=False)
    auditor = new_page(viewport=PHONE)
    sign_in_browser(page, live_server, member)
    sign_in_browser(auditor, live_server, member)
    page.goto(f"{live_server.url}/outcomes/feedback/{form.pk}/easy-read/")
    assert page.get_by_role("group", name="How was it for you?").is_visible()
    audit_without_javascript(page, auditor, "Easy Read question with pictures (no JavaScript)")
    page.get_by_label("Very good").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("What was good?").fill("The tea.")
    audit_without_javascript(page, auditor, "Easy Read free-text question (no JavaScript)")
    page.get_by_role("button", name="Send my answers").click()
    assert page.locator("h1").inner_text() == "Thank you"
