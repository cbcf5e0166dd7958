"""The public "You said, we did" page: only actions marked public, only quotes whose consent allows the
public, and nothing at all until a coordinator publishes it."""

from __future__ import annotations

import pytest

from coproduce.outcomes.actions import do_set_public_page, do_update_action
from coproduce.sensemaking.actions.withdrawal import do_withdraw_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def shown(said, make_action):
    return make_action(
        title="Discharge letters give the day and time",
        is_public=True,
        links=[
            ("quote", said.quote.pk),
            ("quote", said.team_quote.pk),
            ("statement", said.statement.pk),
            ("take_home", said.take_home.pk),
        ],
    )


@pytest.fixture
def hidden(make_action):
    return make_action(title="Rewrite the internal rota", is_public=False)


def test_the_page_is_not_found_until_published_but_coordinators_can_preview(
    client, coordinator, member, project, shown
):
    url = f"/outcomes/you-said-we-did/{project.pk}/"
    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 404
    client.force_login(coordinator)
    assert "Preview: this page is not published." in client.get(url).content.decode()
    response = client.post(
        f"/outcomes/project/{project.pk}/public/", {"is_published": "on", "introduction": "Thank you."}
    )
    assert response.status_code == 302
    client.logout()
    page = client.get(url).content.decode()
    assert "Preview" not in page and "Thank you." in page


def test_only_public_actions_and_public_consented_signed_off_quotes_are_shown(
    client, coordinator, project, said, shown, hidden
):
    do_set_public_page(project, is_published=True, acting_user=coordinator)
    do_update_action(
        shown,
        status="not_doing",
        progress=0,
        status_reason="The trust chose texts instead.",
        acting_user=coordinator,
    )
    page = client.get(f"/outcomes/you-said-we-did/{project.pk}/").content.decode()
    assert "Discharge letters give the day and time" in page
    assert "You said you were not told when you would go home." in page
    assert "The trust chose texts instead." in page
    assert "Rewrite the internal rota" not in page
    # The public quote, in its signed-off wording, attributed by the speaker's pseudonym.
    assert said.quote.deidentified_text in page
    assert "<figcaption>R</figcaption>" in page
    # Never words without public consent, nor the raw words of a live session.
    assert "Nobody asked what would help me at home" not in page
    assert "Tell us the day before we go home." not in page
    assert "Nobody explained my tablets." not in page
    assert "Rowan" not in page


def test_a_withdrawn_quote_leaves_the_public_page_at_once(client, coordinator, project, said, shown):
    do_set_public_page(project, is_published=True, acting_user=coordinator)
    url = f"/outcomes/you-said-we-did/{project.pk}/"
    assert said.quote.deidentified_text in client.get(url).content.decode()
    do_withdraw_source(said.quote.source, acting_user=said.narrator)
    page = client.get(url).content.decode()
    assert said.quote.deidentified_text not in page
    assert "Discharge letters give the day and time" in page


def test_unpublishing_hides_the_page_again(client, coordinator, project, shown):
    do_set_public_page(project, is_published=True, acting_user=coordinator)
    do_set_public_page(project, is_published=False, acting_user=coordinator)
    assert client.get(f"/outcomes/you-said-we-did/{project.pk}/").status_code == 404
