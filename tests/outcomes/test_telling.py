"""When an action moves, the people whose words it came from are told, as they chose; nobody is told who
else contributed, and someone who took part without signing in cannot be told (the page says so)."""

from __future__ import annotations

import pytest
from django.core import mail

from coproduce.outcomes.actions import do_update_action
from coproduce.outcomes.models import Notice
from coproduce.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(said, make_action):
    return make_action(
        links=[
            ("statement", said.statement.pk),
            ("statement", said.anonymous_statement.pk),
            ("statement", said.outsider_statement.pk),
            ("quote", said.quote.pk),
        ]
    )


def test_creating_an_action_tells_nobody_yet(action):
    assert not Notice.objects.exists()
    assert mail.outbox == []


def test_each_contributor_gets_one_email_naming_nobody_else(
    client, coordinator, member, outsider, said, action, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/outcomes/actions/{action.pk}/update/",
            {"status": "in_progress", "progress": "30", "note": "Ward 3 is testing the new letter."},
        )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Update saved. 3 people whose words this came from have been told." in page
    assert sorted(m.to[0] for m in mail.outbox) == [
        "member@example.org",
        "outsider@example.org",
        "storyteller@example.org",
    ]
    for message in mail.outbox:
        assert len(message.to) == 1 and not message.cc and not message.bcc
        assert message.subject == "What happened to what you said: Discharge letters give the day and time"
        assert "Ward 3 is testing the new letter." in message.body
        assert "In progress" in message.body and "30%" in message.body
        others = {"Jo", "Kit", "Rowan", "Visitor", "Sam"} - {
            Person.objects.get(email=message.to[0]).badge_name
        }
        for name in others:
            assert name not in message.body, f"{name} named in {message.to[0]}'s e-mail"


def test_people_who_chose_phone_or_post_are_not_emailed_but_see_it_at_home(
    client, coordinator, member, outsider, said, action, django_capture_on_commit_callbacks
):
    Person.objects.filter(pk=member.pk).update(contact_preference="phone")
    Person.objects.filter(pk=said.narrator.pk).update(contact_preference="post")
    client.force_login(coordinator)
    detail = client.get(f"/outcomes/actions/{action.pk}/").content.decode()
    assert "1 person is told by e-mail and on their home page." in detail
    assert "2 people chose phone or post" in detail
    with django_capture_on_commit_callbacks(execute=True):
        do_update_action(action, status="agreed", progress=0, acting_user=coordinator)
    assert [m.to for m in mail.outbox] == [["outsider@example.org"]]
    assert dict(Notice.objects.values_list("person__email", "channel")) == {
        "member@example.org": "home",
        "outsider@example.org": "email",
        "storyteller@example.org": "home",
    }

    client.force_login(member)
    home = client.get("/").content.decode()
    assert "What happened to what you said" in home
    assert "Discharge letters give the day and time: <span" in home
    assert "1 new update." in home
    mine = client.get("/outcomes/mine/").content.decode()
    assert "You said you were not told when you would go home." in mine
    assert "If you took part in a live session without signing in, we cannot know it was you" in mine
    # Never what else was said or by whom.
    assert "Give us a named contact after discharge." not in mine
    assert "Kit" not in mine and "Rowan" not in mine
    client.post("/outcomes/mine/seen/")
    assert "new update" not in client.get("/").content.decode()


def test_saving_without_a_change_tells_nobody(coordinator, action, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        update = do_update_action(action, status="proposed", progress=0, acting_user=coordinator)
    assert update.notices.count() == 0
    assert mail.outbox == []


def test_someone_who_joined_without_signing_in_cannot_be_told_and_the_coordinator_sees_it(
    client, coordinator, said, make_action
):
    only_anonymous = make_action(links=[("statement", said.anonymous_statement.pk)])
    client.force_login(coordinator)
    page = client.get(f"/outcomes/actions/{only_anonymous.pk}/").content.decode()
    assert (
        "1 contribution came from someone who took part in a live session without signing in: "
        "they cannot be told." in page
    )
    update = do_update_action(only_anonymous, status="agreed", progress=5, acting_user=coordinator)
    assert update.notices.count() == 0


def test_a_person_with_no_actions_has_no_section_on_the_home_page(client, other_member, action):
    client.force_login(other_member)
    assert "What happened to what you said" not in client.get("/").content.decode()
    assert "Nothing yet." in client.get("/outcomes/mine/").content.decode()


def test_the_email_is_sent_only_after_the_update_commits(
    coordinator, action, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        do_update_action(action, status="agreed", progress=0, acting_user=coordinator)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 3
