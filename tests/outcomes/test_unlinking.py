"""Unlinking something an action came from: coordinators only, a timeline entry that names neither the
words nor the person, and people whose words are no longer linked stop being told."""

from __future__ import annotations

import pytest

from coproduce.outcomes.actions import OutcomesError, do_unlink_source
from coproduce.outcomes.models import ActionSource

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(said, make_action):
    return make_action(
        links=[
            ("statement", said.statement.pk),  # Jo's
            ("take_home", said.take_home.pk),  # Jo's too
            ("statement", said.outsider_statement.pk),  # Kit's
        ]
    )


def contributors(action) -> set[str]:
    return set(action.contributors.values_list("person__badge_name", flat=True))


def test_a_coordinator_unlinks_and_the_timeline_says_so_without_the_words(client, action, said, coordinator):
    assert contributors(action) == {"Jo", "Kit"}
    kit_link = action.sources.get(kind="statement", object_id=said.outsider_statement.pk)
    client.force_login(coordinator)
    page = client.get(f"/outcomes/actions/{action.pk}/").content.decode()
    assert "Medicines should be ready before the taxi." in page
    response = client.post(f"/outcomes/actions/{action.pk}/unlink/{kit_link.pk}/", follow=True)
    page = response.content.decode()
    assert "Unlinked." in page
    assert "Medicines should be ready before the taxi." not in page
    assert "No longer linked to one thing it came from: Statement from a live session." in page
    # Kit's words are gone from the action, so Kit is no longer told about it; Jo still is.
    assert contributors(action) == {"Jo"}
    # The timeline entry does not move the action on.
    update = action.updates.first()
    assert (update.status, update.progress, update.status_changed) == (action.status, action.progress, False)


def test_someone_whose_other_words_stay_linked_is_still_told(action, said, coordinator):
    jo_statement = action.sources.get(kind="statement", object_id=said.statement.pk)
    do_unlink_source(action, source_id=jo_statement.pk, acting_user=coordinator)
    assert contributors(action) == {"Jo", "Kit"}
    take_home = action.sources.get(kind="take_home")
    do_unlink_source(action, source_id=take_home.pk, acting_user=coordinator)
    assert contributors(action) == {"Kit"}


def test_unlinking_twice_is_explained(client, action, coordinator):
    link = action.sources.first()
    do_unlink_source(action, source_id=link.pk, acting_user=coordinator)
    with pytest.raises(OutcomesError, match="That is no longer linked to this action."):
        do_unlink_source(action, source_id=link.pk, acting_user=coordinator)
    client.force_login(coordinator)
    response = client.post(f"/outcomes/actions/{action.pk}/unlink/{link.pk}/", follow=True)
    assert "That is no longer linked to this action." in response.content.decode()


@pytest.mark.parametrize("who", ["facilitator", "member", "outsider", "other_member"])
def test_only_coordinators_unlink(client, action, who, request):
    link = action.sources.first()
    client.force_login(request.getfixturevalue(who))
    assert client.post(f"/outcomes/actions/{action.pk}/unlink/{link.pk}/").status_code == 404
    page = client.get(f"/outcomes/actions/{action.pk}/").content.decode()
    assert "/unlink/" not in page
    assert ActionSource.objects.filter(pk=link.pk).exists()


def test_a_link_of_another_action_cannot_be_unlinked_through_this_one(
    client, action, make_action, said, coordinator
):
    other = make_action(title="Another", links=[("theme", said.theme.pk)])
    theirs = other.sources.get()
    client.force_login(coordinator)
    response = client.post(f"/outcomes/actions/{action.pk}/unlink/{theirs.pk}/", follow=True)
    assert "That is no longer linked to this action." in response.content.decode()
    assert ActionSource.objects.filter(pk=theirs.pk).exists()
