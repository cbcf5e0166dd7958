"""Actions "you said, we did": created from what people said, moved on, with a timeline. Through HTTP."""

from __future__ import annotations

import pytest

from coproduce.core.models import AuditEntry
from coproduce.outcomes.models import Action, ActionSource

pytestmark = pytest.mark.django_db


def test_a_coordinator_creates_an_action_from_a_statement_a_take_home_message_and_a_quote(
    client, coordinator, member, said, project
):
    client.force_login(coordinator)
    form = client.get(f"/outcomes/project/{project.pk}/new/").content.decode()
    assert "Tell us the day before we go home." in form
    assert "Nobody explained my tablets." in form
    assert "Knowing when you go home" in form
    response = client.post(
        f"/outcomes/project/{project.pk}/new/",
        {
            "title": "Discharge letters give the day and time",
            "you_said": "You said you were not told when you would go home.",
            "links_statement": [f"statement:{said.statement.pk}", f"statement:{said.anonymous_statement.pk}"],
            "links_take_home": [f"take_home:{said.take_home.pk}"],
            "links_quote": [f"quote:{said.quote.pk}"],
            "owner": str(member.pk),
            "status": "agreed",
            "progress": "10",
            "due_on": "2027-03-31",
        },
    )
    action = Action.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/outcomes/actions/{action.pk}/"
    assert (action.status, action.progress, str(action.due_on), action.owner) == (
        "agreed",
        10,
        "2027-03-31",
        member,
    )
    kinds = sorted(action.sources.values_list("kind", flat=True))
    assert kinds == ["quote", "statement", "statement", "take_home"]
    # The member said two of them and the storyteller one; the visitor who did not sign in is counted.
    assert set(action.contributors.values_list("person__badge_name", flat=True)) == {"Jo", "Rowan"}
    assert sum(action.sources.values_list("unreachable", flat=True)) == 1
    assert AuditEntry.objects.filter(action="outcomes.create_action", subject_id=str(action.pk)).exists()

    page = client.get(f"/outcomes/actions/{action.pk}/").content.decode()
    assert "Discharge letters give the day and time" in page
    assert "“Tell us the day before we go home.”" in page
    assert "Agreed</span>, 10% done, due 31 March 2027" in page
    assert "Action written down." in page
    assert "1 contribution came from someone who took part in a live session without signing in" in page


def test_a_theme_links_the_narrators_of_its_quotes(coordinator, said, make_action):
    action = make_action(links=[("theme", said.theme.pk)])
    assert list(action.contributors.values_list("person", flat=True)) == [said.narrator.pk]
    assert action.sources.get().excerpt == "Knowing when you go home"


def test_linking_the_same_thing_twice_keeps_one_link(coordinator, said, make_action):
    from coproduce.outcomes.actions import do_link_sources

    action = make_action(links=[("statement", said.statement.pk)])
    do_link_sources(
        action,
        links=[("statement", said.statement.pk), ("take_home", said.take_home.pk)],
        acting_user=coordinator,
    )
    assert action.sources.count() == 2
    assert action.contributors.count() == 1


def test_something_from_another_project_cannot_be_linked(client, coordinator, said, other_project, project):
    from coproduce.outcomes.actions import OutcomesError, do_create_action

    with pytest.raises(OutcomesError, match="no longer there"):
        do_create_action(
            other_project,
            title="x",
            you_said="y",
            links=[("statement", said.statement.pk)],
            acting_user=coordinator,
        )
    client.force_login(coordinator)
    response = client.post(
        f"/outcomes/project/{project.pk}/new/",
        {
            "title": "x",
            "you_said": "y",
            "status": "proposed",
            "progress": "0",
            "links_statement": ["statement:999999"],
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Action.objects.exists()


def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(client, coordinator, project):
    client.force_login(coordinator)
    response = client.post(
        f"/outcomes/project/{project.pk}/new/",
        {
            "title": "Stop the taxi waiting",
            "you_said": "You said taxis left without you.",
            "status": "not_doing",
            "progress": "140",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 100." in page
    response = client.post(
        f"/outcomes/project/{project.pk}/new/",
        {
            "title": "Stop the taxi waiting",
            "you_said": "You said taxis left without you.",
            "status": "not_doing",
            "progress": "0",
        },
    )
    assert (
        "Give the reason it will not be done: the people who said it will read it."
        in response.content.decode()
    )
    assert not Action.objects.exists()


def test_updates_build_a_timeline_and_not_doing_needs_a_reason(client, coordinator, said, make_action):
    action = make_action(links=[("statement", said.statement.pk)])
    client.force_login(coordinator)
    url = f"/outcomes/actions/{action.pk}/update/"
    response = client.post(
        url, {"status": "in_progress", "progress": "40", "note": "The new letter is being tested on Ward 3."}
    )
    assert response.status_code == 302
    response = client.post(url, {"status": "not_doing", "progress": "40", "status_reason": ""})
    assert response.status_code == 200
    assert "Give the reason it will not be done" in response.content.decode()
    response = client.post(
        url,
        {
            "status": "not_doing",
            "progress": "40",
            "status_reason": "The hospital is replacing the letters with a text message.",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "not_doing"
    page = client.get(f"/outcomes/actions/{action.pk}/").content.decode()
    assert (
        page.index("Not doing")
        < page.index("The new letter is being tested on Ward 3.")
        < page.index("Action written down.")
    )
    assert "The hospital is replacing the letters with a text message." in page
    assert list(action.updates.values_list("status", flat=True)) == ["not_doing", "in_progress", "proposed"]


def test_the_project_list_counts_actions_by_status(client, member, make_action, project):
    make_action(title="One")
    make_action(title="Two", status="done", progress=100)
    client.force_login(member)
    page = client.get(f"/outcomes/project/{project.pk}/").content.decode()
    assert '<th scope="row">Proposed</th><td>1</td>' in page
    assert '<th scope="row">Done</th><td>1</td>' in page
    assert "Create an action" not in page


def test_the_progress_cannot_exceed_100_even_outside_the_form(make_action):
    from coproduce.outcomes.actions import OutcomesError

    with pytest.raises(OutcomesError, match="from 0 to 100"):
        make_action(progress=101)
    assert ActionSource.objects.count() == 0
